"""Each public service's stored API documents (services/search/documents.py) follow every change
of what its list item shows, on the refresh path the search row follows; a write made without a
refresh discards them at once; only public services have them."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from services import models as m
from services.search import SearchParams, documents, search
from services.search.index import refresh_services

CUCUTA = (7.89, -72.51)
LANGS = [code for code, _name in settings.CONTENT_LANGUAGES]


@pytest.fixture
def shelter(make_service):
    return make_service("Albergue Norte", at=CUCUTA, terms=("emergency-shelter",))


def _stored(service) -> dict:
    return {
        d.lang: (json.loads(d.body), d.hours, d.changed_at)
        for d in m.ServiceDocument.objects.filter(service=service)
    }


def _without_request_keys(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in documents.REQUEST_KEYS}


def _assert_current(service) -> None:
    """The stored documents are what the models give now, in every content language."""
    stored = _stored(service)
    assert sorted(stored) == sorted(LANGS)
    for lang in LANGS:
        built, moment = documents._from_models([service.id], lang=lang)[service.id]
        body, _hours, changed = stored[lang]
        assert list(_without_request_keys(body)) == list(_without_request_keys(built)), lang
        assert _without_request_keys(body) == _without_request_keys(built), lang
        assert changed == moment


def test_a_public_service_has_a_document_per_content_language(shelter) -> None:
    _assert_current(shelter)
    body = json.loads(m.ServiceDocument.objects.get(service=shelter, lang="es").body)
    assert body["name"] == "Albergue Norte"
    # Nothing of a place is stored in the list item: no address, phone or point.
    text = json.dumps(body)
    assert "Calle Secreta" not in text and "+57" not in text and "7.89" not in text


def test_each_kind_of_change_rebuilds_the_documents(shelter) -> None:
    """Organisation name, phone, schedule, term, location, confidentiality, publication: after
    the refresh every such change is followed by, the documents are the models' current item
    (or gone, for a service no longer public)."""
    service = shelter
    location = service.service_at_locations.first().location
    term = m.TaxonomyTerm.objects.get(code="legal")

    def change_name():
        service.organization.name = "Fundación Renombrada"
        service.organization.save()

    def add_phone():
        m.Phone.objects.create(service=service, number="+57 300 000 0000")

    def add_schedule():
        m.Schedule.objects.create(
            service=service, freq="WEEKLY", byday="MO", opens_at=dt.time(8), closes_at=dt.time(12)
        )

    def add_term():
        m.Attribute.objects.create(link_entity="service", link_id=service.id, taxonomy_term=term)

    def move():
        location.point = Point(-72.6, 7.9, srid=4326)
        location.time_zone = "America/Caracas"
        location.save()

    def hide():
        location.is_confidential = True
        location.save()

    def rename():
        service.name_es = "Albergue Renombrado"
        service.save()

    def unpublish():
        service.status = "inactive"
        service.save()

    changes = (change_name, add_phone, add_schedule, add_term, move, hide, rename, unpublish)
    shown = {change_name, add_schedule, move, rename}
    for change in changes:
        before = _stored(service)
        change()
        refresh_services([service.id])
        if change is unpublish:
            assert _stored(service) == {}, change.__name__
            continue
        _assert_current(service)
        if change in shown:
            assert _stored(service) != before, change.__name__
    assert not search(SearchParams(text="albergue"), lang="es", load="rows").rows


def test_what_each_change_shows_reaches_the_document(shelter) -> None:
    m.Schedule.objects.create(
        service=shelter, freq="WEEKLY", byday="TU", opens_at=dt.time(9), closes_at=dt.time(17)
    )
    shelter.organization.name = "Fundación Nueva"
    shelter.organization.save()
    refresh_services([shelter.id])
    body, hours, _changed = _stored(shelter)["en"]
    assert body["organization"]["name"] == "Fundación Nueva"
    assert hours["rules"][0]["byday"] == "TU"
    assert hours["zone"] == "America/Bogota"


def test_a_write_without_a_refresh_discards_the_documents_at_once(shelter) -> None:
    """A save of any record the item reads leaves no older document to serve."""
    location = shelter.service_at_locations.first().location
    writes = (
        lambda: shelter.organization.save(),
        lambda: shelter.save(),
        lambda: location.save(),
        lambda: shelter.service_at_locations.first().save(),
        lambda: m.Schedule.objects.create(
            location=location, freq="WEEKLY", byday="MO", opens_at=dt.time(8), closes_at=dt.time(9)
        ),
        lambda: m.Program.objects.create(organization=shelter.organization, name="P").save(),
    )
    for number, write in enumerate(writes[:-1]):
        refresh_services([shelter.id])
        assert _stored(shelter), number
        write()
        assert _stored(shelter) == {}, number
    # A programme the service does not run reaches no document.
    refresh_services([shelter.id])
    writes[-1]()
    assert _stored(shelter)


def test_open_now_from_stored_hours_is_the_models(shelter) -> None:
    from services import hours

    m.Schedule.objects.create(
        service=shelter, freq="WEEKLY", byday="MO,WE", opens_at=dt.time(22), closes_at=dt.time(6)
    )
    m.Schedule.objects.create(
        service=shelter,
        freq="MONTHLY",
        bymonthday="1",
        opens_at=dt.time(9),
        closes_at=dt.time(10),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 6, 30),
    )
    refresh_services([shelter.id])
    stored = m.ServiceDocument.objects.get(service=shelter, lang="es").hours
    loaded = m.Service.objects.get(id=shelter.id)
    moment = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
    seen = set()
    for step in range(0, 24 * 40, 1):
        at = moment + dt.timedelta(hours=step)
        expected = hours.is_open_now(loaded, at)
        assert documents.open_now(False, stored, at) == expected, at
        seen.add(expected)
    assert seen == {True, False}
    assert documents.open_now(True, stored, moment) is True
    assert documents.open_now(False, {"zone": "UTC", "rules": []}, moment) is None


@pytest.mark.django_db(transaction=True)
def test_build_documents_in_several_processes_gives_what_one_process_gives(make_service) -> None:
    """`build_documents --processes 2` (what a bulk load is followed by) builds every missing
    document, each the same as a build in one process, through its own connections."""
    import io

    from django.core.management import call_command

    towns = [(7.89, -72.51), (4.61, -74.08), (6.24, -75.58), (10.39, -75.51), (3.45, -76.53)]
    made = [make_service(f"Albergue {n}", at=at) for n, at in enumerate(towns)]
    ids = [service.id for service in made]
    documents.rebuild(ids)
    columns = ("service_id", "lang", "body", "hours", "card")
    one = sorted(m.ServiceDocument.objects.filter(service_id__in=ids).values_list(*columns))
    assert len(one) == len(ids) * len(LANGS)
    m.ServiceDocument.objects.all().delete()

    out = io.StringIO()
    call_command("build_documents", processes=2, stdout=out)

    assert out.getvalue().startswith(f"{len(ids)} services given documents")
    two = sorted(m.ServiceDocument.objects.filter(service_id__in=ids).values_list(*columns))
    assert two == one
    out = io.StringIO()
    call_command("build_documents", processes=2, stdout=out)
    assert out.getvalue().startswith("0 services given documents")
