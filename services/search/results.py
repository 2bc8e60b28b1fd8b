"""Loading one page of search hits: the services `search()` found, with what a result shows.

query.py decides which services and in what order (SQL only); this module turns those ids into
the objects the pages and the API render. Locations come without their exact point: a
confidential shelter's real position is never loaded here. Hits leave this module public:
services/visibility.py's row rules have taken out of them what the public may not see, so a
caller renders what it is given.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Model, Prefetch, Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init

from services import visibility
from services.models import (
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Program,
    Region,
    Schedule,
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
            "phones",
        ),
    )


# What a caller will show of each hit, hence what build_hits loads:
# "api"  — the API list item: the service, its organisation and programme, and what "open now"
#          reads (schedules of the service, else of its locations, and their time zones);
# "page" — a result card: that, plus phones, the nearest location's address (for
#          public_location), languages, areas served and terms;
# "full" — everything a service's own page or `full=true` starts from (load_services).
LOADS = ("api", "page", "full")

# Columns that only search reads (filled by the refresh): a result never shows them, and the
# text vector alone is ~750 bytes a row to ship and decode.
SEARCH_ONLY_COLUMNS = (
    "search_points",
    "search_vector",
    "language_codes",
    "term_ids",
    "region_ids",
    "area_region_ids",
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


def _attach(owners: Iterable[Model], name: str, rows: dict[Any, list[Any]]) -> None:
    """Makes `owner.<name>.all()` answer `rows[owner.pk]` without a query, as
    prefetch_related does, but without the QuerySet Django builds per owner (a filter() each:
    most of the Python of a prefetched page). `.all()` then gives a list, which is all the hit
    renderers ask of it; anything else (`.filter()`) fails loudly instead of querying."""
    for owner in owners:
        owner.__dict__.setdefault("_prefetched_objects_cache", {})[name] = rows.get(owner.pk, [])


def _group(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        owner = getattr(row, key)
        if owner is not None:
            grouped.setdefault(owner, []).append(row)
    return grouped


class _Shape:
    """How one model's columns are selected and turned back into an instance, worked out once
    per process: the column list, and Django's own converters for them (geometry, JSON…)."""

    def __init__(self, model: type[Model], exclude: tuple[str, ...] = ()) -> None:
        self.model = model
        alias = model._meta.db_table  # the ORM's own spelling of each column
        fields = [f for f in model._meta.concrete_fields if f.name not in exclude]
        self.attnames = tuple(f.attname for f in fields)
        self.sql = ", ".join(f'"{alias}"."{f.column}"' for f in fields)
        self.width = len(fields)
        self.converters: list[tuple[int, list[Any], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))
        self.translated = hasattr(model, "_meta") and any(
            hasattr(model, f"{f.name}_es") for f in fields
        )

    def build(self, row: tuple, start: int) -> Model:
        """The instance of row[start:start + width], as Model.from_db() gives it (deferred
        columns fetch on access), without __init__'s descriptor call per column: a hit's
        service has 86 columns, and __init__ was the largest Python cost of loading a page."""
        values = list(row[start : start + self.width])
        for index, converters, column in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, column, connection)
            values[index] = value
        instance = self.model.__new__(self.model)
        state = instance.__dict__
        state.update(zip(self.attnames, values, strict=True))
        if self.translated:
            # What modeltranslation's constructor leaves (its descriptors read it).
            state["_mt_init"] = True
        instance._state = ModelState()
        instance._state.adding = False
        instance._state.db = connection.alias
        if post_init.has_listeners(self.model):
            post_init.send(sender=self.model, instance=instance)
        return instance


@functools.cache
def _shapes() -> dict[str, _Shape]:
    return {
        "service": _Shape(Service, SEARCH_ONLY_COLUMNS),
        "organization": _Shape(Organization),
        "program": _Shape(Program),
        "sal": _Shape(ServiceAtLocation),
        # Never the exact point; a region's boundary can be megabytes and a result shows its name.
        "location": _Shape(Location, ("point",)),
        "region": _Shape(Region, ("area",)),
        "schedule": _Shape(Schedule),
    }


def _select(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _services(ids: list[uuid.UUID], *, program: bool) -> dict[uuid.UUID, Service]:
    """The services with their organisation (and programme), as select_related gives them."""
    shape = _shapes()
    service, org, prog = shape["service"], shape["organization"], shape["program"]
    rows = _select(
        f"SELECT {service.sql}, {org.sql}"  # noqa: S608  # nosec B608 — the models' columns
        + (f", {prog.sql}" if program else "")
        + " FROM services_service LEFT JOIN services_organization"
        " ON services_organization.id = services_service.organization_id"
        + (
            " LEFT JOIN services_program ON services_program.id = services_service.program_id"
            if program
            else ""
        )
        + " WHERE services_service.id = ANY(%(ids)s)",
        {"ids": ids},
    )
    organization_field = Service._meta.get_field("organization")
    program_field = Service._meta.get_field("program")
    by_id = {}
    for row in rows:
        item = service.build(row, 0)
        at = service.width
        organization_field.set_cached_value(
            item, org.build(row, at) if row[at] is not None else None
        )
        if program:
            at += org.width
            program_field.set_cached_value(
                item, prog.build(row, at) if row[at] is not None else None
            )
        by_id[item.id] = item
    return by_id


def _service_locations(ids: list[uuid.UUID]) -> list[ServiceAtLocation]:
    shape = _shapes()
    sal, location, region = shape["sal"], shape["location"], shape["region"]
    rows = _select(
        f"SELECT {sal.sql}, {location.sql}, {region.sql},"  # noqa: S608  # nosec B608
        ' "services_location"."point" IS NULL FROM services_serviceatlocation'
        " JOIN services_location ON services_location.id = services_serviceatlocation.location_id"
        " LEFT JOIN services_region ON services_region.id = services_location.region_id"
        " WHERE services_serviceatlocation.service_id = ANY(%(ids)s)",
        {"ids": ids},
    )
    location_field = ServiceAtLocation._meta.get_field("location")
    region_field = Location._meta.get_field("region")
    sals = []
    for row in rows:
        item = sal.build(row, 0)
        place = location.build(row, sal.width)
        at = sal.width + location.width
        region_field.set_cached_value(place, region.build(row, at) if row[at] is not None else None)
        if row[-1]:
            # public_location() asks for the exact point when there is no public one: known
            # to be empty, it costs no query per result (a point that exists is never loaded).
            place.point = None
        location_field.set_cached_value(item, place)
        sals.append(item)
    return sals


def _load_hit_services(ids: list[uuid.UUID], *, page: bool) -> dict[uuid.UUID, Service]:
    """The services with what an API list item ("api") or a result card (page) shows: one query
    per kind of row, no prefetch machinery. Locations come without their exact point."""
    if not ids:
        return {}  # nothing to ask (the ORM, too, skipped a query on an empty id list)
    by_id = _services(ids, program=not page)
    services = list(by_id.values())
    sals = _service_locations(ids)
    service_field = ServiceAtLocation._meta.get_field("service")
    for sal in sals:
        service_field.set_cached_value(sal, by_id[sal.service_id])
    _attach(services, "service_at_locations", _group(sals, "service_id"))
    # One instance per link: services sharing a location each get their own, and each is given
    # its rows (an instance left without them would query on first use).
    locations = [sal.location for sal in sals]
    location_ids = list({location.id for location in locations})
    # "Open now" reads a service's own schedules, else those of its locations (hours.py).
    schedule = _shapes()["schedule"]
    schedules = [
        schedule.build(row, 0)
        for row in _select(
            f"SELECT {schedule.sql} FROM services_schedule"  # noqa: S608  # nosec B608
            " WHERE service_id = ANY(%(ids)s) OR service_at_location_id = ANY(%(sals)s)"
            " OR location_id = ANY(%(locations)s)",
            {"ids": ids, "sals": [sal.id for sal in sals], "locations": location_ids},
        )
    ]
    _attach(services, "schedules", _group(schedules, "service_id"))
    _attach(sals, "schedules", _group(schedules, "service_at_location_id"))
    _attach(locations, "schedules", _group(schedules, "location_id"))
    if page:
        attach_card_rows(by_id)
    return by_id


def attach_card_rows(by_id: dict[uuid.UUID, Service]) -> None:
    """Adds to services loaded for an API item ("api") what a result card also shows: phones,
    the locations' addresses, languages, areas served and terms (a fixed number of queries)."""
    ids = list(by_id)
    services = list(by_id.values())
    sals = [sal for service in services for sal in service.service_at_locations.all()]
    locations = [sal.location for sal in sals]
    location_ids = list({location.id for location in locations})
    # HSDS hangs a place's own lines off the service's link to it as often as off the place.
    phones = list(
        Phone.objects.filter(
            Q(service_id__in=ids)
            | Q(location_id__in=location_ids)
            | Q(service_at_location_id__in=[sal.id for sal in sals])
        )
    )
    _attach(services, "phones", _group(phones, "service_id"))
    _attach(locations, "phones", _group(phones, "location_id"))
    _attach(sals, "phones", _group(phones, "service_at_location_id"))
    # public_location() reads the first address of a location that is not confidential; a
    # confidential one's addresses are never loaded.
    public = list({location.id for location in locations if not location.is_confidential})
    addresses = Address.objects.filter(location_id__in=public) if public else []
    _attach(locations, "addresses", _group(addresses, "location_id"))
    _attach(
        services, "languages", _group(Language.objects.filter(service_id__in=ids), "service_id")
    )
    areas = (
        ServiceArea.objects.filter(service_id__in=ids)
        .select_related("region")
        .defer("region__area")
    )
    _attach(services, "service_areas", _group(areas, "service_id"))
    attach_terms(services)


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


def build_hits(rows: list[tuple], origin: Point | None, load: str = "full") -> list[ServiceHit]:
    """[(service id, metres from the origin or None)] in page order → hits, in a fixed number of
    queries; `load` (LOADS) says what the caller will show of them."""
    if load not in LOADS:
        raise ValueError(f"load must be one of {LOADS}")
    ids = [row[0] for row in rows]
    by_id = load_services(ids) if load == "full" else _load_hit_services(ids, page=load == "page")
    visibility.prune(by_id.values())
    hits = []
    for service_id, metres in rows:
        service = by_id[service_id]
        location, _km = nearest_location(service, origin)
        distance = round(metres / 1000.0, 3) if metres is not None else None
        hits.append(ServiceHit(service=service, distance_km=distance, location=location))
    return hits
