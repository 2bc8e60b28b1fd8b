"""Writes to the directory that touch several rows or must keep the search columns true.

Each function validates first (a clear, translated ValidationError changes nothing), writes in
one transaction, records an audit event with ids only, and refreshes the search columns of the
services concerned before the transaction ends.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models import Location, Region, Schedule, Service
from services.search.index import refresh_services


def _record(*, actor: Any, action: str, obj: Any, details: dict[str, Any]) -> None:
    from audit import record

    record(actor=actor, action=action, obj=obj, details=details)


def parse_point(latitude: Any, longitude: Any) -> Point:
    """A point from user input, or a translated ValidationError naming what is wrong."""
    errors = {}
    values = {}
    for name, raw, low, high in (
        ("latitude", latitude, -90.0, 90.0),
        ("longitude", longitude, -180.0, 180.0),
    ):
        try:
            value = float(str(raw).replace(",", "."))
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or not (low <= value <= high):
            errors[name] = ValidationError(
                _("Give a number between %(low)s and %(high)s."),
                code="coordinate",
                params={"low": low, "high": high},
            )
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return Point(values["longitude"], values["latitude"], srid=4326)


def region_by_code(code: str) -> Region:
    try:
        return Region.objects.get(code=(code or "").strip().upper())
    except Region.DoesNotExist:
        raise ValidationError(
            {
                "region": ValidationError(
                    _("Unknown region “%(code)s”."), code="unknown_region", params={"code": code}
                )
            }
        ) from None


def _services_at(location: Location) -> list:
    return list(location.service_at_locations.values_list("service_id", flat=True))


@transaction.atomic
def move_location(
    *,
    actor: Any,
    location: Location,
    latitude: Any,
    longitude: Any,
    region_code: str | None = None,
    is_confidential: bool | None = None,
) -> Location:
    """Sets a location's position (and optionally its region and confidentiality)."""
    point = parse_point(latitude, longitude)
    region = region_by_code(region_code) if region_code else location.region
    location.point = point
    location.region = region
    if is_confidential is not None:
        location.is_confidential = is_confidential
    location.full_clean()
    location.save()
    # Ids only: the exact position of a confidential shelter must not reach the audit log.
    _record(
        actor=actor,
        action="services.location_moved",
        obj=location,
        details={"region": region.code if region else None},
    )
    refresh_services(_services_at(location))
    return location


@transaction.atomic
def set_capacity(
    *, actor: Any, service: Service, available: int | None, total: int | None
) -> Service:
    """Records free beds or places now."""
    if available is not None and available < 0 or total is not None and total < 0:
        raise ValidationError(_("Capacity cannot be negative."), code="capacity_negative")
    if available is not None and total is not None and available > total:
        raise ValidationError(
            _("There cannot be more free places than places in total."), code="capacity_total"
        )
    service.capacity_available = available
    service.capacity_total = total
    service.capacity_updated_at = timezone.now()
    service.save(update_fields=["capacity_available", "capacity_total", "capacity_updated_at"])
    _record(
        actor=actor,
        action="services.capacity_set",
        obj=service,
        details={"available": available, "total": total},
    )
    return service


@transaction.atomic
def add_weekly_hours(
    *,
    actor: Any,
    service: Service,
    byday: str,
    opens_at: dt.time | None,
    closes_at: dt.time | None,
) -> Schedule:
    """Adds weekly opening hours ("MO,TU", 08:00, 17:00) after checking that they parse."""
    schedule = Schedule(
        service=service, freq="WEEKLY", byday=byday, opens_at=opens_at, closes_at=closes_at
    )
    schedule.full_clean()
    schedule.save()
    _record(actor=actor, action="services.hours_added", obj=service, details={"byday": byday})
    refresh_services([service.id])
    return schedule
