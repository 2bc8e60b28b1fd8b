"""HSDS attributes (tags, with a free-text value) and metadata (field history, with old and new
values) describe the record they point at. Those of a record the public may not see, or may see
only in part (a confidential location, a service's link to one, a phone, contact or schedule
there), are hidden wherever the record is: the API, the pages and the public export. Those of an
unpublished service never reach the API or the pages, which do not show the service; the export
carries every service with its status, and their tags and history with them."""

from __future__ import annotations

import json

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

HIDDEN_KINDS = ("shelter", "link", "phone", "contact", "schedule", "link_phone")


def _tag(record, value: str, term) -> None:
    m.Attribute.objects.create(
        link_id=record.pk, link_entity=record._meta.model_name, taxonomy_term=term, value=value
    )


def _history(record, value: str) -> None:
    m.Metadata.objects.create(
        resource_id=record.pk,
        resource_type=record._meta.model_name,
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="description",
        previous_value=value,
        replacement_value="-",
        updated_by="steward",
    )


@pytest.fixture
def world(db) -> dict:
    organization = OrganizationFactory(name="Red Etiquetas")
    shelter = LocationFactory(organization=organization, is_confidential=True)
    office = LocationFactory(organization=organization)
    shown = ServiceFactory(organization=organization, name_es="Acogida Etiquetada")
    shown.last_verified_at = timezone.now()
    shown.save()
    closed = ServiceFactory(organization=organization, status=m.Service.Status.INACTIVE)
    link = m.ServiceAtLocation.objects.create(service=shown, location=shelter)
    open_link = m.ServiceAtLocation.objects.create(service=shown, location=office)
    m.ServiceAtLocation.objects.create(service=closed, location=office)
    records = {
        "shelter": shelter,
        "link": link,
        "phone": m.Phone.objects.create(location=shelter, service=shown, number="+57 1 555"),
        "contact": m.Contact.objects.create(location=shelter, service=shown, name="x"),
        "schedule": m.Schedule.objects.create(service_at_location=link, service=shown),
        "link_phone": m.Phone.objects.create(
            service_at_location=link, service=shown, number="+57 1 556"
        ),
        "closed": closed,
        "shown": shown,
        "open_link": open_link,
    }
    term = TaxonomyTermFactory(code="tagged")
    for kind, record in records.items():
        _tag(record, f"tag-of-{kind}-TG5", term)
        _history(record, f"history-of-{kind}-TG5")
    refresh_services([shown.pk, closed.pk])
    return {"organization": organization, **records}


def _public_answers(world: dict) -> dict[str, str]:
    with translation.override("es"):
        pages = [
            reverse("services:service", kwargs={"pk": world["shown"].pk}),
            reverse("services:service", kwargs={"pk": world["closed"].pk}),
            reverse("services:results") + "?q=acogida",
        ]
    paths = [
        *pages,
        "/api/v1/services?full=true",
        f"/api/v1/services/{world['shown'].pk}",
        f"/api/v1/services/{world['closed'].pk}",
        "/api/v1/organizations?full=true&full_service=true",
        f"/api/v1/organizations/{world['organization'].pk}?full_service=true",
        "/api/v1/service_at_locations?full=true",
        *(f"/api/v1/service_at_locations/{sal.pk}" for sal in m.ServiceAtLocation.objects.all()),
    ]
    answers = {}
    for path in paths:
        response = Client().get(path, follow=True)
        assert response.status_code in (200, 404), path
        answers[path] = response.content.decode()
    return answers


def test_the_api_and_pages_show_no_tag_or_history_of_a_hidden_record(world):
    answers = _public_answers(world)
    for path, text in answers.items():
        for kind in (*HIDDEN_KINDS, "closed"):
            assert f"tag-of-{kind}-TG5" not in text, (path, kind)
            assert f"history-of-{kind}-TG5" not in text, (path, kind)
    # Tags of what the public does see are shown.
    detail = json.loads(answers[f"/api/v1/services/{world['shown'].pk}"])
    assert [a["value"] for a in detail["attributes"]] == ["tag-of-shown-TG5"]
    by_link = {sal["id"]: sal for sal in detail["service_at_locations"]}
    assert "attributes" not in by_link[str(world["link"].pk)]
    assert [a["value"] for a in by_link[str(world["open_link"].pk)]["attributes"]] == [
        "tag-of-open_link-TG5"
    ]


def test_the_public_export_carries_no_tag_or_history_of_a_hidden_record(world, tmp_path):
    export_json(tmp_path / "json")
    export_csv(tmp_path / "csv")
    for folder in (tmp_path / "json", tmp_path / "csv"):
        text = "".join(p.read_text() for p in sorted(folder.iterdir()))
        for kind in HIDDEN_KINDS:
            assert f"tag-of-{kind}-TG5" not in text, (folder.name, kind)
            assert f"history-of-{kind}-TG5" not in text, (folder.name, kind)
        for kind in ("shown", "open_link", "closed"):
            assert f"tag-of-{kind}-TG5" in text, (folder.name, kind)
            assert f"history-of-{kind}-TG5" in text, (folder.name, kind)
