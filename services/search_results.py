"""Loading one page of search hits: the services `search()` found, with what a result shows.

search.py decides which services and in what order (SQL only); this module turns those ids into
the objects the pages and the API render. Locations come without their exact point: a
confidential shelter's real position is never loaded here.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models import Prefetch

from services.models import (
    Attribute,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)


@dataclass
class ServiceHit:
    service: Service
    distance_km: float | None  # from the PUBLIC point of the nearest location
    location: Location | None  # nearest location; read it through confidential.public_location


def public_locations_prefetch() -> Prefetch:
    """Locations as public code may load them: without the exact point."""
    return Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.select_related("location__region")
        .defer("location__point")
        .prefetch_related(
            "location__phones",
            "location__addresses",
            "location__schedules",
            "location__languages",
            "location__accessibility",
            "schedules",
        ),
    )


def load_services(ids: list[uuid.UUID]) -> dict[uuid.UUID, Service]:
    """The services with everything a result page shows, in a fixed number of queries."""
    services = (
        Service.objects.filter(id__in=ids)
        .select_related("organization")
        .prefetch_related(
            "phones",
            "languages",
            "schedules",
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("region")),
            public_locations_prefetch(),
        )
    )
    by_id = {service.id: service for service in services}
    attach_terms(list(by_id.values()))
    return by_id


def attach_terms(services: list[Service]) -> None:
    """Sets `service.terms` (taxonomy terms, HSDS attributes) with one query."""
    links: dict[uuid.UUID, list[TaxonomyTerm]] = {service.id: [] for service in services}
    if links:
        attributes = Attribute.objects.filter(
            link_entity="service", link_id__in=list(links)
        ).select_related("taxonomy_term")
        for attribute in attributes.order_by("taxonomy_term__code"):
            links[attribute.link_id].append(attribute.taxonomy_term)
    for service in services:
        service.terms = links[service.id]


def nearest_location(
    service: Service, origin: Point | None
) -> tuple[Location | None, float | None]:
    """The service's nearest location by public point (or its first), and the distance in km."""
    locations = [sal.location for sal in service.service_at_locations.all()]
    placed = [loc for loc in locations if loc.public_point is not None]
    if origin is None or not placed:
        return (placed or locations or [None])[0], None
    best = min(placed, key=lambda loc: (haversine_km(origin, loc.public_point), str(loc.id)))
    return best, haversine_km(origin, best.public_point)


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def build_hits(rows: list[tuple], origin: Point | None) -> list[ServiceHit]:
    """[(service id, metres from the origin or None)] in page order → hits, in a fixed number of
    queries."""
    by_id = load_services([row[0] for row in rows])
    hits = []
    for service_id, metres in rows:
        service = by_id[service_id]
        location, _km = nearest_location(service, origin)
        distance = round(metres / 1000.0, 3) if metres is not None else None
        hits.append(ServiceHit(service=service, distance_km=distance, location=location))
    return hits
