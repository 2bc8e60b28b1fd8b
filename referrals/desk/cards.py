"""The desk's result cards: a search hit with what a worker on a call compares at a glance
(distance, country, free places and how old that figure is, who the service serves, languages,
hours today, phones), ranked again within the page for the chosen sort.

A card starts from the public hit (services.search left it public); the only thing added for
staff is a confidential location's street address, and only where
accounts.permissions.may_view_confidential_location says this member may see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import permissions
from services import hours
from services.confidential import public_location
from services.models import Phone, Service
from services.querysets import capacity_is_current
from services.search import ServiceHit
from services.search.staff import confidential_addresses

# A service across a border ranks as if this much farther away: at a similar distance the
# caller's own country comes first (a border crossing is a different journey), while one much
# nearer across the border still ranks ahead.
BORDER_PENALTY_KM = 30.0
POPULATION_LABELS = dict(Service._meta.get_field("populations").base_field.choices)


@dataclass
class Card:
    service: Service
    distance_km: float | None
    country: str
    address: str
    confidential: bool
    staff_address: str
    free_places: int | None
    capacity_unit: str
    places_at: dt.datetime | None
    populations: list[str]
    languages: list[str]
    open_now: bool | None
    hours_today: list[str]
    phones: list[Phone] = field(default_factory=list)
    rank: float = 0.0

    def takes_children_aged(self, ages: list[int]) -> bool:
        """False only when the listing says it takes no children, or none as old as the
        oldest; a listing that says nothing stays (the worker asks on the phone)."""
        service = self.service
        if service.takes_children is False:
            return False
        limit = service.children_max_age
        return not (ages and limit is not None and max(ages) > limit)


def _today_hours(service: Service) -> list[str]:
    """Today's opening hours in the service's own time zone ("08:00–17:00")."""
    if service.open_24_7:
        return []
    try:
        zone = ZoneInfo(hours.service_time_zone(service))
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    today = hours.WEEKDAYS[timezone.now().astimezone(zone).weekday()]
    spans = []
    for schedule in hours.schedules_of(service):
        if schedule.freq != "WEEKLY" or schedule.opens_at is None:
            continue
        try:
            days = [d.lstrip("+-0123456789") for d in hours.parse_byday(schedule.byday)]
        except ValidationError:  # a malformed listing shows no hours today, not an error
            continue
        if today in (days or hours.WEEKDAYS):
            spans.append(f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}")
    return sorted(set(spans))


def _phones(service: Service, location: Any, place: Any) -> list[Phone]:
    phones = list(service.phones.all()) + (list(place.phones) if place else [])
    for link in service.service_at_locations.all():
        if location is not None and link.location_id == location.id:
            phones += list(link.phones.all())
    seen: set[str] = set()
    unique = []
    for phone in phones:
        if phone.number not in seen:
            seen.add(phone.number)
            unique.append(phone)
    return unique


def build_cards(user: Any, hits: list[ServiceHit], *, lang: str, home_country: str) -> list[Card]:
    """Cards for `hits` as this member may see them."""
    hidden = [
        hit.location.id
        for hit in hits
        if hit.location is not None
        and hit.location.is_confidential
        and permissions.may_view_confidential_location(user, hit.location)
    ]
    staff_lines = confidential_addresses(hidden)
    cards = []
    for hit in hits:
        service, location = hit.service, hit.location
        place = public_location(location, lang=lang) if location is not None else None
        region = place.region if place else None
        address = ""
        if place and place.address:
            address = ", ".join(
                v for k, v in place.address.items() if k in ("address_1", "city") and v
            )
        elif region is not None:
            address = region.name
        current = capacity_is_current(service)
        card = Card(
            service=service,
            distance_km=hit.distance_km,
            country=(region.country_code if region is not None else "") or "",
            address=address,
            confidential=bool(location is not None and location.is_confidential),
            staff_address=staff_lines.get(location.id, "") if location is not None else "",
            free_places=service.capacity_available if current else None,
            capacity_unit=service.capacity_unit,
            places_at=service.capacity_updated_at if current else None,
            populations=[str(POPULATION_LABELS.get(p, p)) for p in service.populations or []],
            languages=sorted({lang_.code for lang_ in service.languages.all() if lang_.code}),
            open_now=hours.is_open_now(service),
            hours_today=_today_hours(service),
            phones=_phones(service, location, place),
        )
        distance = card.distance_km if card.distance_km is not None else 10_000.0
        foreign = bool(home_country and card.country and card.country != home_country)
        card.rank = distance + (BORDER_PENALTY_KM if foreign else 0.0)
        cards.append(card)
    return cards


def sort_cards(cards: list[Card], sort: str) -> list[Card]:
    """Distance (own country first at a similar distance), free places (most first, unknown
    last) or last verified (newest first). Stable: ties keep the search's order."""
    if sort == "places":
        return sorted(cards, key=lambda c: (c.free_places is None, -(c.free_places or 0), c.rank))
    if sort == "verified":
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(cards, key=lambda c: c.service.last_verified_at or oldest, reverse=True)
    return sorted(cards, key=lambda c: c.rank)
