"""Open now from HSDS weekly rules, in each place's own time zone, across a DST change; the SQL
filter agrees with the Python reading."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from services.hours import describe_hours, is_open_now, weekly_minutes
from services.models import Schedule
from services.search import SearchParams, search

UTC = dt.UTC
NINE_TO_FIVE = (("MO,TU,WE,TH,FR", dt.time(9), dt.time(17)),)


def open_names(at: dt.datetime) -> set[str]:
    result = search(SearchParams(open_now=True, per_page=100), lang="es", now=at)
    return {h.service.name_es for h in result.hits}


@pytest.fixture
def two_zones(make_service):
    return {
        "bogota": make_service(
            "Bogotá 9-17", at=(4.61, -74.08), hours=NINE_TO_FIVE, time_zone="America/Bogota"
        ),
        "new_york": make_service(
            "Nueva York 9-17", at=(40.71, -74.0), hours=NINE_TO_FIVE, time_zone="America/New_York"
        ),
    }


def test_same_instant_differs_by_time_zone(two_zones) -> None:
    # Monday 2024-06-03 13:30 UTC = 09:30 in New York (EDT), 08:30 in Bogotá.
    at = dt.datetime(2024, 6, 3, 13, 30, tzinfo=UTC)
    assert is_open_now(two_zones["new_york"], at) is True
    assert is_open_now(two_zones["bogota"], at) is False
    assert open_names(at) == {"Nueva York 9-17"}


def test_daylight_saving_change_in_new_york(two_zones) -> None:
    # 13:30 UTC is 08:30 EST on Friday 8 March 2024, and 09:30 EDT on Monday 11 March.
    before = dt.datetime(2024, 3, 8, 13, 30, tzinfo=UTC)
    after = dt.datetime(2024, 3, 11, 13, 30, tzinfo=UTC)
    assert is_open_now(two_zones["new_york"], before) is False
    assert is_open_now(two_zones["new_york"], after) is True
    assert "Nueva York 9-17" not in open_names(before)
    assert "Nueva York 9-17" in open_names(after)
    # Bogotá has no daylight saving: 08:30 on both days.
    assert "Bogotá 9-17" not in open_names(after)


def test_overnight_and_weekend_rules(make_service) -> None:
    night = make_service(
        "Refugio nocturno", at=(4.61, -74.08), hours=(("SU", dt.time(22), dt.time(6)),)
    )
    sunday_late = dt.datetime(2024, 6, 10, 3, 30, tzinfo=UTC)  # Sunday 22:30 in Bogotá
    monday_early = dt.datetime(2024, 6, 10, 10, 0, tzinfo=UTC)  # Monday 05:00
    monday_late = dt.datetime(2024, 6, 11, 3, 30, tzinfo=UTC)  # Monday 22:30
    assert is_open_now(night, sunday_late) is True
    assert is_open_now(night, monday_early) is True
    assert is_open_now(night, monday_late) is False
    assert open_names(sunday_late) == open_names(monday_early) == {"Refugio nocturno"}
    assert open_names(monday_late) == set()


def test_24_7_and_unknown_hours(make_service) -> None:
    always = make_service("Línea 24/7", virtual=True, open_24_7=True)
    unknown = make_service("Sin horario", at=(4.61, -74.08))
    at = dt.datetime(2024, 6, 9, 7, 0, tzinfo=UTC)
    assert is_open_now(always, at) is True
    assert is_open_now(unknown, at) is None
    assert open_names(at) == {"Línea 24/7"}


def test_describe_hours_in_both_languages(two_zones) -> None:
    schedules = list(two_zones["bogota"].schedules.all())
    assert describe_hours(schedules, lang="en") == ["Monday to Friday: 09:00–17:00"]
    assert describe_hours(schedules, lang="es") == ["lunes a viernes: 09:00–17:00"]


def test_weekly_minutes_wrap_from_sunday_to_monday() -> None:
    schedule = Schedule(freq="WEEKLY", byday="SU", opens_at=dt.time(22), closes_at=dt.time(6))
    assert weekly_minutes(schedule) == [(6 * 1440 + 22 * 60, 7 * 1440), (0, 360)]


@pytest.mark.parametrize(
    "fields",
    [
        {"freq": "WEEKLY", "byday": "MONDAY", "opens_at": dt.time(8), "closes_at": dt.time(9)},
        {"freq": "WEEKLY", "byday": "MO", "opens_at": dt.time(8)},
        {"freq": "", "byday": "MO"},
        {"freq": "MONTHLY", "bymonthday": "45", "opens_at": dt.time(8), "closes_at": dt.time(9)},
    ],
)
def test_unreadable_schedules_are_rejected(db, fields) -> None:
    with pytest.raises(ValidationError):
        Schedule(**fields).full_clean()
