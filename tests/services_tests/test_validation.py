"""Bad coordinates, unknown regions and unreadable schedules get a clear, translated error and
change nothing; database constraints hold."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from services import actions
from services.models import Location, Schedule, Service


@pytest.fixture
def listing(make_service):
    return make_service("Sede", at=(7.9, -72.5))


@pytest.mark.parametrize(
    "lat,lon,field", [(91, 0, "latitude"), (0, 181, "longitude"), ("abc", 0, "latitude")]
)
def test_bad_coordinates_change_nothing(listing, lat, lon, field) -> None:
    location = listing.service_at_locations.get().location
    before = location.point.coords
    with translation.override("es"), pytest.raises(ValidationError) as error:
        actions.move_location(actor=None, location=location, latitude=lat, longitude=lon)
    assert field in error.value.message_dict
    assert "entre" in error.value.message_dict[field][0]  # Spanish message
    location.refresh_from_db()
    assert location.point.coords == before


def test_unknown_region_changes_nothing(listing) -> None:
    location = listing.service_at_locations.get().location
    with pytest.raises(ValidationError) as error:
        actions.move_location(
            actor=None, location=location, latitude=7.0, longitude=-72.0, region_code="ZZ-999"
        )
    assert "region" in error.value.message_dict
    location.refresh_from_db()
    assert location.point.y == pytest.approx(7.9)


def test_unreadable_schedule_changes_nothing(listing) -> None:
    with pytest.raises(ValidationError):
        actions.add_weekly_hours(
            actor=None, service=listing, byday="LUNES", opens_at=dt.time(8), closes_at=dt.time(9)
        )
    assert not Schedule.objects.filter(service=listing).exists()


def test_capacity_rules(listing) -> None:
    with pytest.raises(ValidationError):
        actions.set_capacity(actor=None, service=listing, available=5, total=2)
    listing.refresh_from_db()
    assert listing.capacity_available is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=listing.pk).update(capacity_available=9, capacity_total=1)


def test_only_physical_locations_can_be_confidential(listing) -> None:
    location = Location(location_type="virtual", is_confidential=True, name="x")
    with pytest.raises(ValidationError):
        location.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        location.save()


def test_unknown_time_zone_is_rejected(base) -> None:
    with pytest.raises(ValidationError) as error:
        Location(name="x", time_zone="Mars/Olympus").full_clean()
    assert "time_zone" in error.value.message_dict
