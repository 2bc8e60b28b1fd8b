"""Removed public text does not stay public: the API's history says a free-text field changed,
never what it said, and staff can remove a text from every stored version, audited with a
reason."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from services.listings.redaction import redact
from services.listings.upkeep import decide_suggestion, suggest_change
from services.models import Service
from tests.factories import member, sign_in, verified

ADDRESS = "Calle 12 # 4-56, barrio La Playa"


def edit(service, actor, field, value) -> None:
    suggestion = suggest_change(
        actor=verified(actor), service=service, field_name=field, value=value
    )
    decide_suggestion(actor=verified(actor), suggestion=suggestion, to="accepted")


@pytest.fixture
def pasted_and_removed(shelter, alice):
    """A member pastes the shelter's street address into its description, then removes it."""
    edit(shelter, alice, "description_es", f"Acogida de emergencia. Dirección: {ADDRESS}")
    edit(shelter, alice, "description_es", "Acogida de emergencia.")
    return shelter


def test_the_api_history_never_shows_removed_text(pasted_and_removed):
    response = Client().get(f"/api/v1/services/{pasted_and_removed.id}")
    assert response.status_code == 200
    assert ADDRESS not in json.dumps(response.json(), ensure_ascii=False)
    changed = [e for e in response.json()["metadata"] if e["field_name"] == "description_es"]
    assert changed, "the history still says the description changed"
    assert {(e["previous_value"], e["replacement_value"]) for e in changed} == {("", "")}


def test_an_org_admin_redacts_a_text_from_every_version(pasted_and_removed, alice):
    shelter = pasted_and_removed
    assert shelter.history.filter(description_es__contains=ADDRESS).exists()

    count = redact(
        actor=verified(alice), service=shelter, field="description_es", text=ADDRESS,
        reason="confidential_place",
    )  # fmt: skip

    assert count >= 1
    assert not shelter.history.filter(description_es__contains=ADDRESS).exists()
    assert not shelter.suggestions.filter(proposed_value__contains=ADDRESS).exists()
    assert shelter.history.filter(description_es__contains="[…]").exists()
    event = AuditEvent.objects.get(action="services.value_redacted")
    assert event.actor_id == alice.pk and event.organization_id == shelter.organization_id
    assert event.details["reason"] == "confidential_place"
    assert event.details["field"] == "description_es"
    assert ADDRESS not in json.dumps(event.details)


def test_a_text_still_in_the_listing_is_removed_there_too(shelter, alice):
    edit(shelter, alice, "description_es", f"Estamos en {ADDRESS}")
    redact(
        actor=verified(alice), service=shelter, field="description_es", text=ADDRESS,
        reason="mistake",
    )  # fmt: skip
    assert Service.objects.get(pk=shelter.pk).description_es == "Estamos en […]"


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_only_stewards_and_the_organisations_admins_redact(request, pasted_and_removed, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        redact(
            actor=verified(user), service=pasted_and_removed, field="description_es",
            text=ADDRESS, reason="mistake",
        )  # fmt: skip
    assert pasted_and_removed.history.filter(description_es__contains=ADDRESS).exists()


def test_a_steward_may_redact(pasted_and_removed, org_b):
    stella = member("stella", org_b, "steward")
    redact(
        actor=verified(stella), service=pasted_and_removed, field="description_es",
        text=ADDRESS, reason="personal_data",
    )  # fmt: skip
    assert not pasted_and_removed.history.filter(description_es__contains=ADDRESS).exists()


@pytest.mark.parametrize(
    "field, text, reason",
    [("description_es", ADDRESS, ""), ("id", ADDRESS, "mistake"), ("description_es", "ab", "mistake"),
     ("description_es", "not in any version", "mistake")],
)  # fmt: skip
def test_a_bad_redaction_changes_nothing(pasted_and_removed, alice, field, text, reason):
    with pytest.raises(ValidationError):
        redact(
            actor=verified(alice), service=pasted_and_removed, field=field, text=text,
            reason=reason,
        )  # fmt: skip
    assert pasted_and_removed.history.filter(description_es__contains=ADDRESS).exists()
    assert not AuditEvent.objects.filter(action="services.value_redacted").exists()


def test_the_staff_page_redacts_and_answers_in_spanish(client, pasted_and_removed, alice, bob):
    url = reverse("listings:redact", kwargs={"pk": pasted_and_removed.pk})
    sign_in(client, bob)
    assert client.get(url).status_code == 404
    sign_in(client, alice)
    page = client.get(url)
    assert (
        page.status_code == 200
        and "Quitar un texto de todas las versiones" in page.content.decode()
    )
    bad = client.post(
        url, {"field": "description_es", "text": "ab", "reason": "mistake", "confirm": "1"}
    )
    assert bad.status_code == 400 and "al menos 3 caracteres" in bad.content.decode()
    done = client.post(
        url,
        {
            "field": "description_es",
            "text": ADDRESS,
            "reason": "confidential_place",
            "confirm": "1",
        },
    )
    assert done.status_code == 302
    assert not pasted_and_removed.history.filter(description_es__contains=ADDRESS).exists()


def test_removing_a_text_for_good_asks_for_the_ticked_box_first(client, pasted_and_removed, alice):
    url = reverse("listings:redact", kwargs={"pk": pasted_and_removed.pk})
    sign_in(client, alice)
    assert 'name="confirm" value="1" required' in client.get(url).content.decode()
    unconfirmed = client.post(
        url, {"field": "description_es", "text": ADDRESS, "reason": "confidential_place"}
    )
    assert unconfirmed.status_code == 400
    assert "Marca la casilla para confirmar" in unconfirmed.content.decode()
    assert pasted_and_removed.history.filter(description_es__contains=ADDRESS).exists()
    assert not AuditEvent.objects.filter(action="services.value_redacted").exists()


def test_the_fields_to_redact_are_named_in_words_with_their_language(
    client, pasted_and_removed, alice
):
    sign_in(client, alice)
    page = client.get(reverse("listings:redact", kwargs={"pk": pasted_and_removed.pk}))
    body = page.content.decode()
    assert '<option value="description_es">Descripción (Español)</option>' in body
    assert '<option value="eligibility_description_en">Requisitos (Inglés)</option>' in body
    # The column codes stay the values sent, never the words shown.
    assert ">description_es<" not in body and ">eligibility_description_en<" not in body
