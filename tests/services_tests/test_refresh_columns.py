"""enlace_refresh_services: hours and languages reach a service by every HSDS path (its own,
its service-at-location's, its location's), and a refresh of some ids touches only those."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from services import models as m
from services.search.index import refresh_services

MONDAY_10 = 600  # minutes of the week, Monday 00:00 = 0 (services/hours.py)
TUESDAY_10 = 1440 + 600


def open_at(service: m.Service, minute: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT open_week @> %s::int FROM services_service WHERE id = %s", [minute, service.id]
        )
        return cursor.fetchone()[0]


def languages(service: m.Service) -> list[str]:
    service.refresh_from_db(fields=["language_codes"])
    return sorted(service.language_codes)


def two_services_at_one_place(make_service: Any) -> tuple[m.Service, m.Service, m.Location]:
    first = make_service("Albergue uno", at=(4.6, -74.08), refresh=False)
    location = first.service_at_locations.get().location
    second = make_service("Asesoría dos", refresh=False)
    m.ServiceAtLocation.objects.create(service=second, location=location)
    return first, second, location


def weekly(byday: str, **owner: Any) -> m.Schedule:
    return m.Schedule.objects.create(
        freq="WEEKLY", byday=byday, opens_at=dt.time(9), closes_at=dt.time(17), **owner
    )


def test_a_location_s_hours_open_every_service_there(make_service) -> None:
    first, second, location = two_services_at_one_place(make_service)
    weekly("MO", location=location)
    refresh_services([first.id, second.id])
    assert open_at(first, MONDAY_10) and open_at(second, MONDAY_10)
    assert not open_at(first, TUESDAY_10)


def test_hours_of_a_service_at_a_location_belong_to_that_service_only(make_service) -> None:
    first, second, _location = two_services_at_one_place(make_service)
    weekly("MO", service_at_location=first.service_at_locations.get())
    refresh_services([first.id, second.id])
    assert open_at(first, MONDAY_10)
    assert not open_at(second, MONDAY_10)


def test_a_service_s_own_hours_win_over_its_location_s(make_service) -> None:
    first, second, location = two_services_at_one_place(make_service)
    weekly("MO", location=location)
    weekly("TU", service=first)
    refresh_services([first.id, second.id])
    assert open_at(first, TUESDAY_10) and not open_at(first, MONDAY_10)
    assert open_at(second, MONDAY_10) and not open_at(second, TUESDAY_10)


def test_an_own_rule_open_no_day_does_not_hide_the_location_s_hours(make_service) -> None:
    first, _second, location = two_services_at_one_place(make_service)
    weekly("MO", location=location)
    weekly("XX", service=first)  # no weekday PostgreSQL or hours.py knows
    refresh_services([first.id])
    assert open_at(first, MONDAY_10)


def test_a_location_s_languages_reach_its_services(make_service) -> None:
    first, second, location = two_services_at_one_place(make_service)
    m.Language.objects.create(location=location, code="FR")
    m.Language.objects.create(service=second, code="pt")
    refresh_services([first.id, second.id])
    assert languages(first) == ["es", "fr"]
    assert languages(second) == ["es", "fr", "pt"]


def test_a_refresh_of_some_services_leaves_the_others_as_they_were(make_service) -> None:
    first, second, location = two_services_at_one_place(make_service)
    refresh_services([first.id, second.id])
    weekly("MO", location=location)
    m.Language.objects.create(location=location, code="ht")
    refresh_services([first.id])
    assert open_at(first, MONDAY_10) and languages(first) == ["es", "ht"]
    assert not open_at(second, MONDAY_10) and languages(second) == ["es"]
