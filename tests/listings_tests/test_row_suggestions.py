"""Suggesting a listing's phone numbers, weekly hours and address through "Cambiar un campo":
typed inputs in people's words, nothing applied until a moderator accepts, the change applied
as a staff edit would be (history with a translated label, audit, search rows), rejecting and bad
input changing nothing, and a confidential place's rows offered only to those who may edit."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from audit.models import AuditEvent
from services.models import Address, Phone, Schedule, Suggestion
from tests.listings_tests.conftest import url

WEEK = {f"opens_{d}": "08:00" for d in ("MO", "TU", "WE", "TH", "FR")} | {
    f"closes_{d}": "17:00" for d in ("MO", "TU", "WE", "TH", "FR")
}


def change(client, service, field, **data):
    return client.post(url("listings:change", pk=service.pk), {"field_name": field, **data})


def decide(client, suggestion, to):
    return client.post(url("listings:decide", pk=suggestion.pk), {"to": to})


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_the_form_offers_phones_hours_and_address_with_typed_inputs(shelter, bob, signed_in):
    client = signed_in(bob)
    page = client.get(url("listings:listing", pk=shelter.pk)).content.decode()
    for words in ("Número de teléfono", "Horario", "Dirección"):
        assert f">{words}</option>" in page, words
    phone = client.get(url("listings:listing", pk=shelter.pk) + "?field=phone_change")
    html = phone.content.decode()
    # The listing's country is unknown here: the international format.
    assert 'type="tel" name="number"' in html and "+57 300 1112222" in html
    assert "Agregar un número nuevo" in html
    hours = client.get(url("listings:listing", pk=shelter.pk) + "?field=hours_change")
    html = hours.content.decode()
    assert html.count('type="time"') == 14 and "lunes" in html.lower()
    address = client.get(url("listings:listing", pk=shelter.pk) + "?field=address_change")
    html = address.content.decode()
    for name in ("address_1", "city", "state_province", "postal_code"):
        assert f'name="{name}"' in html, name
    # Nothing is pre-applied: the inputs are the listing's current values, sent only by a button.
    assert "checked" not in html.split('action="')[-1].split("</form>")[0]


def test_a_suggested_new_number_waits_then_is_added_when_accepted(shelter, bob, alice, signed_in):
    sent = change(signed_in(bob), shelter, "phone_change", phone="", number="+57 (300) 999-8877")
    assert "enviada" in messages_of(sent)
    suggestion = Suggestion.objects.get(kind="phone_change")
    # Read and kept as E.164, shown in the queue in the international format.
    assert suggestion.proposed_data == {"number": "+573009998877"}
    assert not Phone.objects.filter(number__contains="999").exists()
    queue = signed_in(alice).get(url("listings:queue")).content.decode()
    assert "número de teléfono nuevo o cambiado" in queue and "+57 300 9998877" in queue
    decide(signed_in(alice), suggestion, "accepted")
    assert Phone.objects.filter(service=shelter, number="+573009998877").exists()
    public = Client().get(url("services:service", pk=shelter.pk)).content.decode()
    assert "+57 300 9998877" in public
    latest = shelter.history.latest()
    assert latest.history_user == alice
    assert AuditEvent.objects.filter(action="services.suggestion_accepted").exists()
    page = signed_in(alice).get(url("listings:listing", pk=shelter.pk)).content.decode()
    history = page.split("<h2>Historial</h2>")[1]
    assert "sugerencia aceptada" in history and "Número de teléfono" in history
    assert "phone_change" not in history


def test_a_changed_number_replaces_the_old_one(shelter, alice, signed_in):
    old = shelter.phones.get()
    client = signed_in(alice)
    change(client, shelter, "phone_change", phone=str(old.pk), number="+57 300 555 0000", apply=1)
    old.refresh_from_db()
    assert old.number == "+573005550000"
    assert Phone.history.filter(id=old.pk, number="+57 300 111 2222").exists()


def test_new_hours_apply_only_when_accepted_and_rejecting_changes_nothing(
    shelter, bob, alice, signed_in
):
    change(signed_in(bob), shelter, "hours_change", **WEEK)
    first = Suggestion.objects.get(kind="hours_change")
    assert "08:00–17:00" in first.proposed_value
    assert not Schedule.objects.filter(service=shelter).exists()
    decide(signed_in(alice), first, "rejected")
    assert not Schedule.objects.filter(service=shelter).exists()
    change(signed_in(bob), shelter, "hours_change", **WEEK, opens_SA="09:00", closes_SA="12:00")
    second = Suggestion.objects.filter(kind="hours_change", status="open").get()
    accepted = decide(signed_in(alice), second, "accepted")
    assert "Aceptada" in messages_of(accepted), messages_of(accepted)
    rows = {(s.byday, s.opens_at, s.closes_at) for s in Schedule.objects.filter(service=shelter)}
    assert rows == {
        ("MO,TU,WE,TH,FR", dt.time(8), dt.time(17)),
        ("SA", dt.time(9), dt.time(12)),
    }
    public = Client().get(url("services:service", pk=shelter.pk)).content.decode()
    assert "Lunes a Viernes: 08:00–17:00" in public or "lunes a viernes" in public.lower()
    assert "09:00–12:00" in public


def test_a_changed_address_applies_when_accepted(shelter, bob, alice, signed_in):
    address = Address.objects.get(location__service_at_locations__service=shelter)
    data = {
        "address_1": "Calle 10 # 5-20",
        "city": "Cúcuta",
        "state_province": "Norte de Santander",
        "postal_code": "540001",
    }
    change(signed_in(bob), shelter, "address_change", **data)
    suggestion = Suggestion.objects.get(kind="address_change")
    assert suggestion.address == address
    address.refresh_from_db()
    assert address.address_1 != "Calle 10 # 5-20"
    decide(signed_in(alice), suggestion, "accepted")
    address.refresh_from_db()
    assert (address.address_1, address.postal_code) == ("Calle 10 # 5-20", "540001")


def test_bad_input_gets_a_clear_error_and_changes_nothing(shelter, bob, signed_in):
    client = signed_in(bob)
    bad_phone = change(client, shelter, "phone_change", phone="", number="llámame")
    assert "no es un número de teléfono" in messages_of(bad_phone).lower()
    assert bad_phone["Location"].endswith("?field=phone_change#change")
    backwards = change(client, shelter, "hours_change", opens_MO="17:00", closes_MO="08:00")
    assert "cierre debe ser después" in messages_of(backwards)
    half = change(client, shelter, "hours_change", opens_MO="08:00")
    assert "apertura y la de cierre" in messages_of(half)
    empty = change(client, shelter, "address_change", address_1=" ", city="", state_province="")
    assert "calle y el número" in messages_of(empty)
    foreign = Phone.objects.create(number="+1 555 000 1111")
    other = change(client, shelter, "phone_change", phone=str(foreign.pk), number="+57 3001234567")
    assert "números de este servicio" in messages_of(other)
    assert not Suggestion.objects.exists()
    assert not Schedule.objects.exists()
    assert not AuditEvent.objects.filter(action="services.change_suggested").exists()


def test_a_confidential_places_number_and_address_are_not_offered_to_another_org(
    make_service, charlie, signed_in
):
    hidden = make_service("Casa Segura", at=(7.9, -72.5), confidential=True)
    place = hidden.service_at_locations.get().location
    secret = Phone.objects.create(location=place, number="+57 311 000 0000")
    client = signed_in(charlie)
    page = client.get(url("listings:listing", pk=hidden.pk) + "?field=phone_change")
    assert page.status_code == 200
    assert "+57 311 000 0000" not in page.content.decode()
    address = client.get(url("listings:listing", pk=hidden.pk) + "?field=address_change")
    street = place.addresses.get().address_1
    assert street not in address.content.decode()
    change(client, hidden, "phone_change", phone=str(secret.pk), number="+57 3001234567")
    assert not Suggestion.objects.exists()
