"""Free places in two taps from the staff area by intake staff; the public page shows the number
with the time of the update, and a number older than 72 hours as unknown."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from audit.models import AuditEvent
from services.models import Service
from tests.listings_tests.conftest import url


def public_capacity(service) -> str:
    page = Client().get(url("services:service", pk=service.pk)).content.decode()
    return page.split('id="capacity">', 1)[1].split("</p>", 1)[0]


def test_intake_staff_take_a_place_in_two_taps(shelter, ines, signed_in):
    client = signed_in(ines)
    board = client.get(url("listings:capacity_board"))  # tap one: "Free places" in the menu
    assert board.status_code == 200
    minus = url("listings:capacity", pk=shelter.pk)
    assert minus in board.content.decode()
    response = client.post(minus, {"delta": "-1"})  # tap two: −1
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.capacity_available == 3
    event = AuditEvent.objects.get(action="services.capacity_updated")
    assert event.actor_id == ines.pk and event.details == {"available": 3, "total": 10}
    assert event.organization_id == shelter.organization_id


def test_the_public_page_shows_the_number_with_its_time(shelter, ines, signed_in):
    signed_in(ines).post(url("listings:capacity", pk=shelter.pk), {"available": "7"})
    text = public_capacity(shelter)
    assert "7 libres de 10 camas" in text and "actualizado" in text


def test_a_number_older_than_72_hours_shows_as_unknown(shelter):
    Service.objects.filter(pk=shelter.pk).update(
        capacity_updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=73)
    )
    text = public_capacity(shelter)
    assert "Desconocido" in text and "4 libres" not in text
    Service.objects.filter(pk=shelter.pk).update(
        capacity_updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=71)
    )
    assert "4 libres de 10 camas" in public_capacity(shelter)


def test_impossible_numbers_change_nothing(shelter, ines, signed_in):
    client = signed_in(ines)
    for data, message in (
        ({"available": "11"}, "No puede haber más plazas libres que plazas en total."),
        ({"available": "-2"}, "La capacidad no puede ser negativa."),
        ({"available": "muchas"}, "Indica un número entero de plazas libres."),
    ):
        response = client.post(url("listings:capacity", pk=shelter.pk), data, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.capacity_available == 4
    assert not AuditEvent.objects.filter(action="services.capacity_updated").exists()


def test_others_cannot_touch_the_number(shelter, bob, charlie, signed_in):
    for person in (bob, charlie):
        response = signed_in(person).post(url("listings:capacity", pk=shelter.pk), {"delta": "1"})
        assert response.status_code == 404
    assert Client().post(url("listings:capacity", pk=shelter.pk), {"delta": "1"}).status_code == 302
    shelter.refresh_from_db()
    assert shelter.capacity_available == 4


def test_the_api_says_unknown_for_an_old_number_too(shelter):
    assert Client().get(f"/api/v1/services/{shelter.id}").json()["capacity_available"] == 4
    Service.objects.filter(pk=shelter.pk).update(
        capacity_updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=73)
    )
    body = Client().get(f"/api/v1/services/{shelter.id}").json()
    assert "capacity_available" not in body or body["capacity_available"] is None
    assert body["capacity_total"] == 10 and body["capacity_updated_at"]
