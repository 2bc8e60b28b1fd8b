"""The one search layer: the public pages and the HSDS API both call `search()`.

Every distance is measured from `Location.public_point` (confidential.py): the exact point of a
confidential shelter is never read here.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from services.gazetteer import ResolvedPlace, resolve_place
from services.hours import is_open_now
from services.models import (
    Attribute,
    Location,
    Population,
    Region,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_RADIUS_KM = 2000.0
# A place typed without a radius: towns are searched this far around their centre.
DEFAULT_PLACE_RADIUS_KM = 50.0
MAX_TEXT_LENGTH = 200


class SearchParamError(ValueError):
    """A search parameter that cannot be used; `message` is translated for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    place: str = ""
    region: str = ""
    taxonomy_term: tuple[str, ...] = ()
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: dt.datetime | None = None
    language: str = ""
    population: str = ""
    free: bool = False
    no_id: bool = False
    immigration_status_not_asked: bool = False
    open_now: bool = False
    open_24_7: bool = False
    accessible: bool = False
    has_capacity: bool = False
    trafficking_specialised: bool = False
    verified_within_days: int | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass
class ServiceHit:
    service: Service
    distance_km: float | None  # from the PUBLIC point of the nearest location
    location: Location | None  # nearest location; read it through confidential.public_location


@dataclass
class SearchResult:
    hits: list[ServiceHit]
    total: int
    page: int
    per_page: int
    total_pages: int
    origin: ResolvedPlace | None = None
    # Words the typo fallback searched for instead of the typed ones ("albege" → "albergue").
    corrected_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- parameters -------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on", "si", "sí"}
_FALSE = {"0", "false", "no", "off", ""}


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(data, "getlist"):
        raw = data.getlist(name)
    else:
        value = data.get(name)
        raw = [] if value is None else value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in raw]


def _one(data: Mapping[str, Any], name: str) -> str:
    values = _values(data, name)
    return values[-1].strip() if values else ""


def _bool(data: Mapping[str, Any], name: str) -> bool:
    value = _one(data, name).casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SearchParamError(name, str(_("Use true or false.")))


def _float(data: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = _one(data, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not (low <= number <= high):
        raise SearchParamError(
            name,
            str(_("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high}),
        )
    return number


def _int(
    data: Mapping[str, Any], name: str, default: int | None, low: int, high: int
) -> int | None:
    value = _one(data, name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not (low <= number <= high):
        raise SearchParamError(
            name,
            str(
                _("Give a whole number between %(low)s and %(high)s.") % {"low": low, "high": high}
            ),
        )
    return number


def _uuid(data: Mapping[str, Any], name: str) -> str:
    value = _one(data, name)
    if not value:
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise SearchParamError(name, str(_("This is not a valid id."))) from None


def parse_search_params(data: Mapping[str, Any]) -> SearchParams:
    """Reads the API's (and the pages') query parameters; raises SearchParamError naming the
    parameter that cannot be used."""
    text = _one(data, "search") or _one(data, "q")
    if len(text) > MAX_TEXT_LENGTH:
        raise SearchParamError(
            "search" if _one(data, "search") else "q",
            str(_("Use at most %(max)s characters.") % {"max": MAX_TEXT_LENGTH}),
        )
    lat = _float(data, "lat", -90.0, 90.0)
    lon = _float(data, "lon", -180.0, 180.0)
    if (lat is None) != (lon is None):
        raise SearchParamError(
            "lon" if lon is None else "lat", str(_("Give both latitude and longitude."))
        )
    radius = _float(data, "radius_km", 0.1, MAX_RADIUS_KM)
    terms: list[str] = []
    for value in _values(data, "taxonomy_term_id") + _values(data, "taxonomy_term"):
        terms.extend(part.strip() for part in value.split(",") if part.strip())
    modified_raw = _one(data, "modified_after")
    modified_after = None
    if modified_raw:
        modified_after = parse_datetime(modified_raw)
        if modified_after is None:
            day = parse_date(modified_raw)
            if day is not None:
                modified_after = dt.datetime.combine(day, dt.time())
        if modified_after is None:
            raise SearchParamError(
                "modified_after", str(_("Give a date like 2024-05-31 or 2024-05-31T12:00:00Z."))
            )
        if timezone.is_naive(modified_after):
            modified_after = timezone.make_aware(modified_after, dt.UTC)
    population = _one(data, "population")
    if population and population not in Population.values:
        raise SearchParamError("population", str(_("Unknown population.")))
    language = _one(data, "language").casefold()
    if language and (len(language) != 2 or not language.isalpha()):
        raise SearchParamError("language", str(_("Use a two-letter language code, like es.")))
    region = _one(data, "region").upper()
    if region and not Region.objects.filter(code=region).exists():
        raise SearchParamError("region", str(_("Unknown region.")))
    return SearchParams(
        text=text,
        lat=lat,
        lon=lon,
        radius_km=radius,
        place=_one(data, "place")[:MAX_TEXT_LENGTH],
        region=region,
        taxonomy_term=tuple(dict.fromkeys(terms)),
        taxonomy_id=_uuid(data, "taxonomy_id"),
        organization_id=_uuid(data, "organization_id"),
        modified_after=modified_after,
        language=language,
        population=population,
        free=_bool(data, "free"),
        no_id=_bool(data, "no_id"),
        immigration_status_not_asked=_bool(data, "immigration_status_not_asked"),
        open_now=_bool(data, "open_now"),
        open_24_7=_bool(data, "open_24_7"),
        accessible=_bool(data, "accessible"),
        has_capacity=_bool(data, "has_capacity"),
        trafficking_specialised=_bool(data, "trafficking_specialised"),
        verified_within_days=_int(data, "verified_within_days", None, 1, 3650),
        page=_int(data, "page", 1, 1, 100000) or 1,
        per_page=_int(data, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )


# --- results ----------------------------------------------------------------------------------


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


def resolve_origin(params: SearchParams) -> ResolvedPlace | None:
    if params.lat is not None and params.lon is not None:
        point = Point(params.lon, params.lat, srid=4326)
        return ResolvedPlace(name="", point=point, region=None)
    if params.place:
        place = resolve_place(params.place)
        if place is None:
            raise SearchParamError("place", str(_("We could not find this place.")))
        return place
    return None


def term_ids_with_children(values: tuple[str, ...]) -> list[uuid.UUID]:
    """Term ids (or codes) and all their descendants, in one recursive query."""
    ids, codes = [], []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            codes.append(value)
    if not ids and not codes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH RECURSIVE tree(id) AS (
                   SELECT id FROM services_taxonomyterm WHERE id = ANY(%s) OR code = ANY(%s)
                   UNION
                   SELECT t.id FROM services_taxonomyterm t JOIN tree ON t.parent_id = tree.id)
               SELECT id FROM tree""",
            [ids, codes],
        )
        return [row[0] for row in cursor.fetchall()]


def search(params: SearchParams, *, lang: str) -> SearchResult:
    """Services matching `params`, one page of them, with a total; a constant number of queries
    whatever the page size."""
    origin = resolve_origin(params)
    queryset = Service.objects.published()
    if params.text:
        vector = SearchVector("name_es", "description_es", config="es_unaccent") + SearchVector(
            "name_en", "description_en", config="en_unaccent"
        )
        query = SearchQuery(params.text, config="es_unaccent", search_type="websearch") | (
            SearchQuery(params.text, config="en_unaccent", search_type="websearch")
        )
        queryset = queryset.annotate(vector=vector).filter(vector=query)
    if params.taxonomy_term:
        term_ids = term_ids_with_children(params.taxonomy_term)
        queryset = queryset.filter(
            id__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term_id__in=term_ids
            ).values("link_id")
        )
    if params.taxonomy_id:
        queryset = queryset.filter(
            id__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term__taxonomy_id=params.taxonomy_id
            ).values("link_id")
        )
    if params.organization_id:
        queryset = queryset.filter(organization_id=params.organization_id)
    if params.modified_after:
        queryset = queryset.filter(last_modified__gte=params.modified_after)
    if params.language:
        queryset = queryset.filter(languages__code=params.language)
    if params.population:
        queryset = queryset.filter(populations__contains=[params.population])
    if params.free:
        queryset = queryset.filter(is_free=True)
    if params.no_id:
        queryset = queryset.filter(no_id_required=True)
    if params.immigration_status_not_asked:
        queryset = queryset.filter(immigration_status_not_asked=True)
    if params.open_24_7:
        queryset = queryset.filter(open_24_7=True)
    if params.trafficking_specialised:
        queryset = queryset.filter(trafficking_specialised=True)
    if params.has_capacity:
        queryset = queryset.filter(capacity_available__gt=0)
    if params.accessible:
        queryset = queryset.filter(service_at_locations__location__accessibility__isnull=False)
    if params.verified_within_days:
        since = timezone.now() - dt.timedelta(days=params.verified_within_days)
        queryset = queryset.filter(last_verified_at__gte=since)
    if params.region:
        queryset = queryset.filter(
            Q(service_at_locations__location__region__code=params.region)
            | Q(service_at_locations__location__region__parent__code=params.region)
            | Q(service_at_locations__location__region__parent__parent__code=params.region)
            | Q(service_areas__region__code=params.region)
        )
    if origin is not None:
        radius = params.radius_km or DEFAULT_PLACE_RADIUS_KM
        near = Location.objects.filter(public_point__dwithin=(origin.point, D(km=radius))).values(
            "id"
        )
        queryset = queryset.filter(service_at_locations__location__in=near)
    ids = list(queryset.order_by("id").values_list("id", flat=True).distinct())
    by_id = load_services(ids)
    hits = []
    for service in by_id.values():
        if params.open_now and is_open_now(service) is not True:
            continue
        location, distance = nearest_location(service, origin.point if origin else None)
        hits.append(ServiceHit(service=service, distance_km=distance, location=location))
    hits.sort(
        key=lambda hit: (
            hit.distance_km if hit.distance_km is not None else math.inf,
            hit.service.localized("name", lang)[0].casefold(),
            str(hit.service.id),
        )
    )
    total = len(hits)
    start = (params.page - 1) * params.per_page
    return SearchResult(
        hits=hits[start : start + params.per_page],
        total=total,
        page=params.page,
        per_page=params.per_page,
        total_pages=max(1, math.ceil(total / params.per_page)),
        origin=origin,
    )
