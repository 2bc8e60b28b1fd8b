"""A result card's data drawn from loaded models (HitView), for the cards the pages draw when a
service has no current stored card (services/search/documents.py builds the stored ones with
the same functions). What it is given is already public (services/visibility.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from services import hours
from services.confidential import PublicLocation, public_location
from services.models import Language, Phone, Service, ServiceArea, ServiceAtLocation
from services.search.results import ServiceHit


@dataclass
class HitView:
    """One result as the page shows it."""

    service: Service
    distance_km: float | None
    place: PublicLocation | None
    open_now: bool | None
    phones: list[Phone]
    areas: list[ServiceArea]
    languages: list[Language]


def _card_phones(
    service: Service, places: list[PublicLocation], links: Iterable[ServiceAtLocation] = ()
) -> list[Phone]:
    """The service's own phones, then the shown locations' and their links' ones, without
    repeats (what is loaded is already public: services/visibility.py)."""
    phones = list(service.phones.all())
    for place in places:
        phones += place.phones
    for link in links:
        phones += link.phones.all()
    seen: set[str] = set()
    unique = []
    for phone in phones:
        if phone.number not in seen:
            seen.add(phone.number)
            unique.append(phone)
    return unique


def hit_views(hits: list[ServiceHit], lang: str, at: dt.datetime | None = None) -> list[HitView]:
    """The cards of `hits`, which search has already left public ("open now" at `at`)."""
    views = []
    for hit in hits:
        place = public_location(hit.location, lang=lang) if hit.location is not None else None
        views.append(
            HitView(
                service=hit.service,
                distance_km=hit.distance_km,
                place=place,
                open_now=hours.is_open_now(hit.service, at),
                phones=_card_phones(
                    hit.service,
                    [place] if place else [],
                    [
                        link
                        for link in hit.service.service_at_locations.all()
                        if place is not None and link.location_id == place.id
                    ],
                ),
                areas=[area for area in hit.service.service_areas.all() if area.region_id],
                languages=list(hit.service.languages.all()),
            )
        )
    return views
