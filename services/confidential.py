"""The only way public code shows a location.

A confidential shelter is shown at the centre of a fixed grid cell about 5 km wide. The cell is a
pure function of the exact point, so every request, every page and every API call gives the same
answer: averaging repeated answers learns nothing, and because every public distance filter and
sort reads `Location.public_point` only, querying from many points (trilateration) converges on
the cell centre, never on the shelter.

The same grid is computed in SQL by `enlace_public_point()` (migration 0002) for bulk loads; both
must agree, and a test checks that they do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point

# 0.045 degrees of latitude is about 5 km. Longitude cells are widened by 1/cos(latitude of the
# cell's row) so that cells are about 5 km wide at every latitude.
CELL_DEGREES = 0.045


def public_point(point: Point) -> Point:
    """The centre of the ~5 km grid cell that holds `point` (deterministic, no randomness)."""
    lon, lat = float(point.x), float(point.y)
    row = math.floor((lat + 90.0) / CELL_DEGREES)
    centre_lat = -90.0 + (row + 0.5) * CELL_DEGREES
    lon_step = CELL_DEGREES / max(math.cos(math.radians(centre_lat)), 0.01)
    col = math.floor((lon + 180.0) / lon_step)
    centre_lon = -180.0 + (col + 0.5) * lon_step
    return Point(round(centre_lon, 6), round(centre_lat, 6), srid=4326)


def point_for_public(location: Any) -> Point | None:
    """What `Location.public_point` must hold: the exact point of an ordinary location, the cell
    centre of a confidential one."""
    if location.point is None:
        return None
    if location.is_confidential:
        return public_point(location.point)
    return Point(float(location.point.x), float(location.point.y), srid=4326)


# Address fields that HSDS defines; copied for non-confidential locations only.
ADDRESS_FIELDS = (
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)


@dataclass
class PublicLocation:
    id: Any
    name: str
    location_type: str
    is_confidential: bool
    latitude: float | None
    longitude: float | None
    region: Any  # services.models.Region or None: the municipality, never finer
    address: dict[str, str] | None
    phones: list[Any] = field(default_factory=list)
    time_zone: str = ""


def public_location(location: Any, *, lang: str | None = None) -> PublicLocation:
    """A location as the public may see it.

    Reads the prefetched `addresses` and `phones` when present (no extra query). A confidential
    location never has its addresses or `point` read here, and shows only its intake phones.
    """
    point = location.public_point
    if point is None and location.point is not None:
        # Not saved through Location.save() yet (should not happen): derive, never fall back.
        point = point_for_public(location)
    name = location.localized("name", lang)[0] if lang else location.name
    phones = list(location.phones.all())
    if location.is_confidential:
        address = None
        phones = [phone for phone in phones if phone.is_intake]
    else:
        first = next(iter(location.addresses.all()), None)
        address = (
            {name_: getattr(first, name_) or "" for name_ in ADDRESS_FIELDS} if first else None
        )
    return PublicLocation(
        id=location.id,
        name=name or "",
        location_type=location.location_type,
        is_confidential=location.is_confidential,
        latitude=float(point.y) if point is not None else None,
        longitude=float(point.x) if point is not None else None,
        region=location.region,
        address=address,
        phones=phones,
        time_zone=location.time_zone,
    )
