"""History: every change to a listing is kept with who, when, its source and the values before
and after; the admin shows it and restores an earlier version; the HSDS API's `metadata` is
filled from it without naming anyone."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from services.listings.upkeep import (
    decide_suggestion,
    suggest_change,
    update_capacity,
    verify_service,
)
from services.models import Service
from tests.factories import UserFactory, sign_in, verified


@pytest.fixture
def operator(db):
    return UserFactory(username="olga", is_superuser=True, is_staff=True)


def rename(service: Service, name: str, actor) -> None:
    suggestion = suggest_change(
        actor=verified(actor), service=service, field_name="name_es", value=name
    )
    decide_suggestion(actor=verified(actor), suggestion=suggestion, to="accepted")


def test_each_kind_of_change_leaves_its_source_and_author(shelter, alice, ines):
    verify_service(actor=verified(alice), service=shelter, method="visit")
    update_capacity(actor=verified(ines), service=shelter, delta=1)
    rename(shelter, "Albergue Puente Nuevo", alice)
    rows = list(shelter.history.order_by("history_id"))
    reasons = [(r.history_change_reason, r.history_user) for r in rows[1:]]
    assert reasons[0] == ("verification: visit", alice)
    assert reasons[1] == ("capacity update", ines)
    assert reasons[2][0].startswith("suggestion ") and reasons[2][1] == alice
    delta = rows[-1].diff_against(rows[-2])
    change = next(c for c in delta.changes if c.field == "name_es")
    assert (change.old, change.new) == ("Albergue Puente", "Albergue Puente Nuevo")


def test_the_admin_shows_the_history_and_restores_an_earlier_version(shelter, alice, operator):
    rename(shelter, "Nombre Equivocado", alice)
    original = shelter.history.order_by("history_id").first()
    client = sign_in(Client(), operator)
    with translation.override("es"):
        history_url = reverse("admin:services_service_history", args=[shelter.pk])
    history_page = client.get(history_url)
    assert history_page.status_code == 200
    page = history_page.content.decode()
    assert "Nombre Equivocado" in page or "suggestion" in page

    with translation.override("es"):
        form_url = reverse(
            "admin:services_service_simple_history", args=[shelter.pk, original.history_id]
        )
    form_page = client.get(form_url)
    assert form_page.status_code == 200
    form = form_page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        data[name] = value
    response = client.post(form_url, data)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["adminform"].form.errors
    )
    shelter.refresh_from_db()
    assert shelter.name_es == "Albergue Puente"
    latest = shelter.history.latest()
    assert latest.history_change_reason == f"restore of version {original.history_id}"
    assert latest.history_user == operator
    event = AuditEvent.objects.get(action="services.version_restored")
    assert event.actor_id == operator.pk and event.details == {"version": original.history_id}
    # Search reads the restored name.
    from services.search import SearchParams, search

    assert [h.service.id for h in search(SearchParams(text="puente"), lang="es").hits] == [
        shelter.id
    ]


def test_restore_version_action_checks_the_rule(shelter, alice, charlie):
    from django.core.exceptions import PermissionDenied

    from services.listings.upkeep import restore_version

    rename(shelter, "Otro Nombre", alice)
    first = shelter.history.order_by("history_id").first()
    with pytest.raises(PermissionDenied):
        restore_version(actor=verified(charlie), service=shelter, history_id=first.history_id)
    restore_version(actor=verified(alice), service=shelter, history_id=first.history_id)
    shelter.refresh_from_db()
    assert shelter.name_es == "Albergue Puente"


def test_the_api_metadata_comes_from_history_and_names_no_one(shelter, alice, ines):
    rename(shelter, "Albergue Puente Nuevo", alice)
    update_capacity(actor=verified(ines), service=shelter, available=2)
    verify_service(actor=verified(alice), service=shelter, method="phone")
    response = Client().get(f"/api/v1/services/{shelter.id}")
    assert response.status_code == 200
    metadata = response.json()["metadata"]
    by_field = {}
    for entry in metadata:  # newest first: keep each field's latest change
        by_field.setdefault(entry["field_name"], entry)
    name = by_field["name_es"]
    # A free-text field shows that it changed, never what it said (test_redaction.py).
    assert name["previous_value"] == "" and name["replacement_value"] == ""
    assert by_field["capacity_available"]["replacement_value"] == "2"
    assert name["updated_by"] == "suggestion (staff)"
    assert name["last_action_type"] == "update" and name["resource_type"] == "service"
    assert by_field["capacity_available"]["updated_by"] == "capacity update"
    assert by_field["last_verified_at"]["updated_by"] == "verification: phone"
    assert "last_verified_by" not in by_field and "last_verified_method" not in by_field
    text = json.dumps(response.json())
    for person in (alice, ines):
        assert person.username not in text and person.email not in text
    assert len({m["id"] for m in metadata}) == len(metadata)
    full = Client().get("/api/v1/services?full=true").json()["contents"]
    assert next(s for s in full if s["id"] == str(shelter.id))["metadata"] == metadata
