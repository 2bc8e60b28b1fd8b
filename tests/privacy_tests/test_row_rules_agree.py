"""The row rules (tests/privacy_tests/sensitivity.py) are written twice: in Python, for the pages and the API,
and in SQL, for the public HSDS export. Both must select the same rows. Every kind of row is made
in every position that matters (at a confidential location or an ordinary one, directly or
through a service's link to it, through a contact there, an intake line or not), with a tag and a
history entry on each record, and the rows each side hides are compared one by one. The scoped
reading that a public response makes (ConfidentialIds.among) is compared with the whole one."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from services import models as m
from services.hsds.exporter import _Reader, _stream
from services.hsds.spec import BY_NAME
from tests.factories import LocationFactory, ServiceFactory, TaxonomyTermFactory
from tests.privacy_tests import sensitivity

pytestmark = pytest.mark.django_db

TABLES = {
    "phones": m.Phone,
    "contacts": m.Contact,
    "schedules": m.Schedule,
    "languages": m.Language,
    "accessibility": m.Accessibility,
    "addresses": m.Address,
    "service_at_locations": m.ServiceAtLocation,
    "attributes": m.Attribute,
    "metadata": m.Metadata,
}


@pytest.fixture
def every_position(db) -> None:
    shelter = LocationFactory(is_confidential=True)
    office = LocationFactory()
    service, other = ServiceFactory(), ServiceFactory()
    links = [
        m.ServiceAtLocation.objects.create(service=service, location=shelter, description="s"),
        m.ServiceAtLocation.objects.create(service=other, location=office, description="o"),
        m.ServiceAtLocation.objects.create(service=other, location=shelter, description_en="e"),
    ]
    # (location, link): at the shelter, at the office, through either link, or neither.
    places = [
        {"location": shelter},
        {"location": office},
        {"service_at_location": links[0]},
        {"service_at_location": links[1]},
        {"location": office, "service_at_location": links[0]},
        {"location": shelter, "service_at_location": links[1]},
        {},
    ]
    contacts = [m.Contact.objects.create(service=service, name="c", **place) for place in places]
    phones = []
    for place, intake, contact in itertools.product(places, (False, True), (None, *contacts)):
        phones.append(
            m.Phone.objects.create(
                service=service, number="1", is_intake=intake, contact=contact, **place
            )
        )
    for place in places:
        m.Schedule.objects.create(service=service, notes="n", **place)
    for location in (shelter, office, None):
        m.Language.objects.create(service=service, location=location, note="n")
    for phone in phones:
        m.Language.objects.create(phone=phone, note="n")
    for location in (shelter, office):
        m.Accessibility.objects.create(location=location, description="d")
        m.Address.objects.create(
            location=location, address_1="a", city="c", state_province="p", country="CO"
        )
    term = TaxonomyTermFactory()
    records = [shelter, office, service, *links]
    for model in (m.Contact, m.Phone, m.Schedule, m.Language, m.Accessibility, m.Address):
        records += list(model.objects.all())
    for record in records:
        kind = record._meta.model_name
        m.Attribute.objects.create(link_id=record.pk, link_entity=kind, taxonomy_term=term)
        m.Metadata.objects.create(
            resource_id=record.pk,
            resource_type=kind,
            last_action_date=timezone.now(),
            last_action_type="update",
            field_name="name",
            updated_by="steward",
        )


def _python_visible(model: type, ids: sensitivity.ConfidentialIds) -> set:
    rows = list(model.objects.all())
    if model is m.Metadata:
        return {row.pk for row in rows if not sensitivity.metadata_hidden(row, ids)}
    if model is m.Address:
        # No row rule: every address field but the country is confidential-location data
        # anyway, and public code never loads a confidential location's addresses.
        return {row.pk for row in rows if row.pk not in ids.records}
    return {row.pk for row in sensitivity.public_rows(rows, ids)}


def _exported(table: str) -> list[dict]:
    return list(_stream(_Reader(BY_NAME[table], public=True)))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_export_hides_the_rows_the_python_rules_hide(every_position, table):
    ids = sensitivity.ConfidentialIds()
    model = TABLES[table]
    exported = {row["id"] for row in _exported(table)}
    visible = {str(pk) for pk in _python_visible(model, ids)}
    assert exported == visible
    # The test means something: some rows of each kind are hidden, some shown.
    assert exported and len(exported) < model.objects.count() or table == "service_at_locations"


def test_the_export_blanks_the_link_fields_the_python_rules_blank(every_position):
    ids = sensitivity.ConfidentialIds()
    links = {str(link.pk): link for link in m.ServiceAtLocation.objects.all()}
    blanked = set()
    for row in _exported("service_at_locations"):
        if row["description"] is None and not row["translations"]:
            blanked.add(row["id"])
    expected = {pk for pk, link in links.items() if sensitivity.hidden_fields(link, ids)}
    assert blanked == expected and len(expected) == 2


def test_one_responses_reading_agrees_with_the_whole_databases(every_position):
    whole = sensitivity.ConfidentialIds()
    # Everything one response could have loaded about the first service.
    service = m.Service.objects.prefetch_related(
        "phones__languages",
        "contacts__phones",
        "schedules",
        "languages",
        "service_at_locations__location",
        "service_at_locations__phones",
        "service_at_locations__contacts",
        "service_at_locations__schedules",
    ).get(pk=m.Phone.objects.first().service_id)
    scoped = sensitivity.ConfidentialIds.among([service])
    for rows in (
        service.phones.all(),
        service.contacts.all(),
        service.schedules.all(),
        service.languages.all(),
        [language for phone in service.phones.all() for language in phone.languages.all()],
        [phone for contact in service.contacts.all() for phone in contact.phones.all()],
        *(sal.phones.all() for sal in service.service_at_locations.all()),
    ):
        rows = list(rows)
        assert rows
        assert sensitivity.public_rows(rows, scoped) == sensitivity.public_rows(rows, whole)
    for sal in service.service_at_locations.all():
        assert sensitivity.hidden_fields(sal, scoped) == sensitivity.hidden_fields(sal, whole)


def test_a_responses_reading_looks_up_what_its_rows_point_at(db):
    """A service's phone that belongs to a contact at the shelter is hidden even when the
    response did not load the contact."""
    shelter = LocationFactory(is_confidential=True)
    service = ServiceFactory()
    contact = m.Contact.objects.create(location=shelter, name="at the shelter")
    phone = m.Phone.objects.create(service=service, contact=contact, number="1", is_intake=True)
    loaded = m.Service.objects.prefetch_related("phones").get(pk=service.pk)
    ids = sensitivity.ConfidentialIds.among([loaded])
    assert contact.pk in ids.contacts
    assert sensitivity.public_rows(loaded.phones.all(), ids) == []
    assert phone.pk not in {p.pk for p in sensitivity.public_rows([phone], ids)}


def test_a_row_loaded_after_the_reading_is_hidden_fail_closed(db):
    shelter = LocationFactory(is_confidential=True)
    office = LocationFactory()
    service = ServiceFactory()
    ids = sensitivity.ConfidentialIds.among([service])
    late = [
        m.Phone.objects.create(service=service, location=office, number="1"),
        m.Schedule.objects.create(service=service, location=shelter),
    ]
    assert sensitivity.public_rows(late, ids) == []
    ordinary = m.Phone.objects.create(service=service, number="2")  # points nowhere unknown
    assert sensitivity.public_rows([ordinary], ids) == [ordinary]
