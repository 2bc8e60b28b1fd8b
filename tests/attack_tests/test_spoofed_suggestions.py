"""A suggested edit that proposes a name imitating another (invisible characters, mixed
alphabets, look-alike words) is refused when it is made, with the reason in the member's
language, and nothing is stored: not the suggestion, not the change, not an audit event."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from services.listings.upkeep import suggest_change
from services.models import Service, Suggestion
from tests.factories import sign_in, verified

pytestmark = pytest.mark.django_db

SPOOFS = {
    "look-alike word": ("name", "Саѕа Refugio", "letras cirílicas o griegas que parecen latinas"),
    "mixed alphabets": ("name_es", "Fundаción Puente", "mezcla alfabetos"),
    "invisible character": ("alternate_name", "Puente\u200b", "invisibles"),
}


def change_url(service) -> str:
    with translation.override("es"):
        return reverse("listings:change", kwargs={"pk": service.pk})


@pytest.mark.parametrize("apply", [False, True], ids=["suggested", "applied at once"])
@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_a_spoofing_name_is_refused_when_suggested(world, spoof, apply):
    field_name, value, reason = spoof
    service = world.service_a
    before = Service.objects.values().get(pk=service.pk)
    client = sign_in(Client(), world["org_admin-a"])  # (signing in is audited)
    events = AuditEvent.objects.count()
    data = {"field_name": field_name, "proposed_value": value}
    if apply:
        data["apply"] = "1"
    response = client.post(change_url(service), data, follow=True, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Suggestion.objects.exists()
    assert Service.objects.values().get(pk=service.pk) == before
    assert AuditEvent.objects.count() == events


def test_the_function_refuses_it_too(world):
    with pytest.raises(Exception) as raised:
        suggest_change(
            actor=verified(world["org_admin-a"]),
            service=world.service_a,
            field_name="name",
            value="Саѕа Refugio",
        )
    assert "Саѕа" in " ".join(raised.value.messages)
    assert not Suggestion.objects.exists()


def test_a_genuine_name_is_still_suggested_and_stored_composed(world):
    suggestion = suggest_change(
        actor=verified(world["org_admin-a"]),
        service=world.service_a,
        field_name="name_es",
        value="Fundacio\u0301n Puente",  # combining accent
    )
    assert suggestion.proposed_value == "Fundación Puente"
