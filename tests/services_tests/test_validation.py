"""Bad coordinates, unknown regions and unreadable schedules get a clear, translated error and
change nothing; database constraints hold. Each goes through the path staff use: the admin's
location form, the schedule's own validation, and services.listings.upkeep for capacity."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation

from services.listings.upkeep import update_capacity
from services.models import Location, Schedule, Service
from tests.factories import verified


@pytest.fixture
def listing(make_service):
    return make_service("Sede", at=(7.9, -72.5))


def _location_form(location: Location, **changes: object):
    """The admin's change form for `location`, as a superuser submits it with `changes`."""
    user = get_user_model().objects.create_superuser(
        "alice-admin", "alice@example.org", "a long enough password 1"
    )
    request = RequestFactory().post("/admin/")
    request.user = user
    form_class = admin.site._registry[Location].get_form(request, location)
    data = {
        "location_type": location.location_type,
        "name_es": location.name_es or "",
        "content_language": location.content_language or "es",
        "time_zone": location.time_zone or "",
        "region": location.region_id or "",
        "organization": location.organization_id or "",
        "latitude": location.point.y,
        "longitude": location.point.x,
        **changes,
    }
    return form_class(data=data, instance=location)


def _save_if_valid(form) -> bool:
    if not form.is_valid():
        return False
    form.save()
    return True


@pytest.mark.parametrize(
    "lat,lon,field", [(91, 0, "latitude"), (0, 181, "longitude"), ("abc", 0, "latitude")]
)
def test_bad_coordinates_change_nothing(listing, lat, lon, field) -> None:
    location = listing.service_at_locations.get().location
    before = location.point.coords
    with translation.override("es"):
        form = _location_form(location, latitude=lat, longitude=lon)
        assert not _save_if_valid(form)
        message = form.errors[field][0]
    assert "número" in message or "valor" in message  # Spanish message
    location.refresh_from_db()
    assert location.point.coords == before


def test_unknown_region_changes_nothing(listing) -> None:
    location = listing.service_at_locations.get().location
    form = _location_form(location, latitude=7.0, longitude=-72.0, region=999_999_999)
    assert not _save_if_valid(form)
    assert "region" in form.errors
    location.refresh_from_db()
    assert location.point.y == pytest.approx(7.9)


def test_unreadable_schedule_changes_nothing(listing) -> None:
    schedule = Schedule(
        service=listing, freq="WEEKLY", byday="LUNES", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    with pytest.raises(ValidationError):
        schedule.full_clean()
    assert not Schedule.objects.filter(service=listing).exists()


def test_capacity_rules(listing, alice, org_a) -> None:
    Service.objects.filter(pk=listing.pk).update(organization=org_a, capacity_total=2)
    listing.refresh_from_db()
    with translation.override("es"), pytest.raises(ValidationError) as error:
        update_capacity(actor=verified(alice), service=listing, available=5)
    assert "available" in error.value.message_dict
    assert "plazas" in error.value.message_dict["available"][0]  # Spanish message
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
