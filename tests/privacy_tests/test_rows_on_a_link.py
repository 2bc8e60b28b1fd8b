"""Rows that hang off a service's link to a confidential shelter (its service_at_location) are as
locating as those hung off the shelter itself: every public path hides them by the same row rules
(tests/privacy_tests/sensitivity.py), keeps the link's intake line, and still shows the same rows at an
ordinary place (so that the rule is not simply hiding everything)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from services import models as m
from services.hsds.exporter import export_csv, export_json
from services.search.index import refresh_services
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db

SECRET = {
    "link description": "Entrar por el portón verde LNK7",
    "link phone": "+57 607 111 2299",
    "service phone on the link": "+57 607 111 2288",
    "contact": "Portera del enlace LNK7",
    "contact phone": "+57 607 111 2277",
    "schedule note": "Timbre trasero LNK7",
    "service schedule note": "Turno de noche LNK7",
    "attribute": "valor-del-enlace-LNK7",
    "metadata": "Antes: portón azul LNK7",
}
INTAKE = "+57 607 111 2200"
OPEN = {
    "link description": "Segundo piso, oficina 3 ABIERTO9",
    "contact": "Recepcionista ABIERTO9",
    "link phone": "+57 607 333 4400",
    "schedule note": "Pregunte en recepción ABIERTO9",
    "attribute": "valor-abierto-ABIERTO9",
}


@pytest.fixture
def world(db) -> SimpleNamespace:
    organization = OrganizationFactory(name="Casa Enlace", is_verified_partner=True)
    shelter = LocationFactory(organization=organization, is_confidential=True)
    office = LocationFactory(organization=organization, name="Oficina", name_es="Oficina")
    service = ServiceFactory(organization=organization, name_es="Acogida Enlace")
    service.last_verified_at = timezone.now()
    service.save()
    term = TaxonomyTermFactory(code="link-tag")
    hidden = m.ServiceAtLocation.objects.create(
        service=service, location=shelter, description_es=SECRET["link description"]
    )
    public = m.ServiceAtLocation.objects.create(
        service=service, location=office, description_es=OPEN["link description"]
    )
    # At the shelter, through the link.
    m.Phone.objects.create(service_at_location=hidden, number=SECRET["link phone"])
    m.Phone.objects.create(
        service_at_location=hidden, service=service, number=SECRET["service phone on the link"]
    )
    m.Phone.objects.create(service_at_location=hidden, number=INTAKE, is_intake=True)
    contact = m.Contact.objects.create(
        service_at_location=hidden, service=service, name=SECRET["contact"]
    )
    m.Phone.objects.create(contact=contact, service=service, number=SECRET["contact phone"])
    m.Schedule.objects.create(
        service_at_location=hidden,
        freq="WEEKLY",
        byday="MO",
        opens_at="08:00",
        closes_at="12:00",
        description_es=SECRET["schedule note"],
    )
    m.Schedule.objects.create(
        service_at_location=hidden,
        service=service,
        freq="WEEKLY",
        byday="TU",
        opens_at="20:00",
        closes_at="23:00",
        description_es=SECRET["service schedule note"],
    )
    m.Attribute.objects.create(
        link_id=hidden.pk,
        link_entity="service_at_location",
        taxonomy_term=term,
        value=SECRET["attribute"],
    )
    m.Metadata.objects.create(
        resource_id=hidden.pk,
        resource_type="service_at_location",
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="description",
        previous_value=SECRET["metadata"],
        replacement_value=SECRET["link description"],
        updated_by="steward",
    )
    # The same at an ordinary place: public.
    m.Phone.objects.create(service_at_location=public, number=OPEN["link phone"])
    m.Contact.objects.create(service_at_location=public, service=service, name=OPEN["contact"])
    m.Schedule.objects.create(
        service_at_location=public,
        freq="WEEKLY",
        byday="WE",
        opens_at="08:00",
        closes_at="12:00",
        description_es=OPEN["schedule note"],
    )
    m.Attribute.objects.create(
        link_id=public.pk,
        link_entity="service_at_location",
        taxonomy_term=term,
        value=OPEN["attribute"],
    )
    refresh_services([service.pk])
    return SimpleNamespace(organization=organization, service=service, hidden=hidden, public=public)


def _leaks(text: str) -> list[str]:
    return [label for label, value in SECRET.items() if value in text]


def _es(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


def test_the_service_page_hides_what_hangs_off_the_link_to_a_shelter(world):
    response = Client().get(_es("services:service", pk=world.service.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert _leaks(text) == []
    assert INTAKE in text  # the one number the public gets, here hung off the link
    assert OPEN["link description"] in text and OPEN["contact"] in text
    assert OPEN["schedule note"] in text


def test_result_cards_hide_a_service_phone_hung_off_the_link_to_a_shelter(world):
    response = Client().get(_es("services:results") + "?q=acogida", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="card"' in text
    assert _leaks(text) == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/{service}",
        "/api/v1/services?full=true",
        "/api/v1/service_at_locations",
        "/api/v1/service_at_locations?full=true",
        "/api/v1/service_at_locations/{hidden}",
        "/api/v1/organizations/{organization}?full_service=true",
        "/api/v1/organizations?full=true&full_service=true",
    ],
)
def test_the_api_hides_what_hangs_off_the_link_to_a_shelter(world, path):
    url = path.format(
        service=world.service.pk, hidden=world.hidden.pk, organization=world.organization.pk
    )
    response = Client().get(url)
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert _leaks(text) == []


def test_the_api_keeps_the_links_intake_line_and_the_ordinary_links_rows(world):
    hidden = Client().get(f"/api/v1/service_at_locations/{world.hidden.pk}").json()
    assert [phone["number"] for phone in hidden["phones"]] == [INTAKE]
    assert "description" not in hidden and "description" not in hidden["text_language"]
    # Empty lists are left out of an HSDS answer.
    assert not ({"contacts", "schedules", "attributes"} & set(hidden))
    public = Client().get(f"/api/v1/service_at_locations/{world.public.pk}").json()
    assert public["description"] == OPEN["link description"]
    assert [c["name"] for c in public["contacts"]] == [OPEN["contact"]]
    assert [p["number"] for p in public["phones"]] == [OPEN["link phone"]]
    assert [s["description"] for s in public["schedules"]] == [OPEN["schedule note"]]
    assert [a["value"] for a in public["attributes"]] == [OPEN["attribute"]]


def test_the_public_export_hides_what_hangs_off_the_link_to_a_shelter(world, tmp_path):
    export_json(tmp_path / "json")
    export_csv(tmp_path / "csv")
    for folder in (tmp_path / "json", tmp_path / "csv"):
        text = "".join(p.read_text() for p in sorted(folder.iterdir()))
        assert _leaks(text) == [], folder.name
        assert INTAKE in text
        for value in OPEN.values():
            assert value in text, (folder.name, value)
    service = json.loads((tmp_path / "json" / "services.ndjson").read_text().splitlines()[0])
    links = {link["id"]: link for link in service["service_at_locations"]}
    hidden = links[str(world.hidden.pk)]
    assert "description" not in hidden and hidden.get("translations", {}) == {}
    assert [phone["number"] for phone in hidden["phones"]] == [INTAKE]


def test_a_full_export_still_carries_the_links_rows(world, tmp_path):
    export_json(tmp_path, include_confidential=True)
    text = "".join(p.read_text() for p in sorted(tmp_path.iterdir()))
    assert sorted(_leaks(text)) == sorted(SECRET)
