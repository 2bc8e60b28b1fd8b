"""What a visitor asked for: the search parameters, read and checked in one place.

`parse_search_params()` reads the pages' and the API's query parameters into a `SearchParams`, or
raises `SearchParamError` naming the parameter that cannot be used with a message in the user's
language; nothing past this module sees an unchecked value.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from services.models import Population, Region
from services.search.dates import parse_moment

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_RADIUS_KM = 2000.0
# A place typed without a radius: towns are searched this far around their centre.
DEFAULT_PLACE_RADIUS_KM = 50.0
MAX_TEXT_LENGTH = 200
# How deep a search can be paged: pages start within the first MAX_RESULTS results, and there
# are at most MAX_PAGES of them. Every deeper page costs a walk past all the results before it;
# whoever needs everything uses the export or `modified_after`.
MAX_RESULTS = 1000
MAX_PAGES = 50


class SearchParamError(ValueError):
    """A search parameter that cannot be used; `message` is translated for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SearchTooBroad(SearchParamError):
    """A search that ran out of its time (SEARCH_STATEMENT_TIMEOUT_MS) without an answer."""

    def __init__(self) -> None:
        super().__init__(
            "search", str(_("This search is too broad: add a place or a need, and search again."))
        )


def last_page(per_page: int) -> int:
    """The deepest page a search can be asked for at `per_page` results a page."""
    return max(1, min(MAX_PAGES, -(-MAX_RESULTS // per_page)))


@dataclass(frozen=True)
class SearchParams:
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    place: str = ""
    # The visitor's country (ISO 3166-1 alpha-2): a typed place there ranks first.
    country: str = ""
    region: str = ""
    taxonomy_term: tuple[str, ...] = ()
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: dt.datetime | None = None
    language: str = ""
    population: str = ""
    # Several populations at once (women and families): a service must serve every one of them.
    populations: tuple[str, ...] = ()
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
        try:
            modified_after = parse_moment(modified_raw)
        except ValueError:
            raise SearchParamError(
                "modified_after",
                str(_("Changed since: give a real date like 2024-05-31 or 2024-05-31T12:00:00Z.")),
            ) from None
    population = _one(data, "population")
    if population and population not in Population.values:
        raise SearchParamError("population", str(_("Unknown population.")))
    populations = tuple(dict.fromkeys(v.strip() for v in _values(data, "population") if v.strip()))
    if any(value not in Population.values for value in populations):
        raise SearchParamError("population", str(_("Unknown population.")))
    language = _one(data, "language").casefold()
    if language and (len(language) != 2 or not language.isalpha()):
        raise SearchParamError("language", str(_("Use a two-letter language code, like es.")))
    region = _one(data, "region").upper()
    if region and not Region.objects.filter(code=region).exists():
        raise SearchParamError("region", str(_("Unknown region.")))
    country = _one(data, "country").upper()
    if country and not Region.objects.filter(code=country, level=Region.Level.COUNTRY).exists():
        raise SearchParamError("country", str(_("Unknown country.")))
    return SearchParams(
        text=text,
        lat=lat,
        lon=lon,
        radius_km=radius,
        place=_one(data, "place")[:MAX_TEXT_LENGTH],
        country=country,
        region=region,
        taxonomy_term=tuple(dict.fromkeys(terms)),
        taxonomy_id=_uuid(data, "taxonomy_id"),
        organization_id=_uuid(data, "organization_id"),
        modified_after=modified_after,
        language=language,
        population=population,
        populations=populations if len(populations) > 1 else (),
        free=_bool(data, "free"),
        no_id=_bool(data, "no_id"),
        immigration_status_not_asked=_bool(data, "immigration_status_not_asked"),
        open_now=_bool(data, "open_now"),
        open_24_7=_bool(data, "open_24_7"),
        accessible=_bool(data, "accessible"),
        has_capacity=_bool(data, "has_capacity"),
        trafficking_specialised=_bool(data, "trafficking_specialised"),
        verified_within_days=_int(data, "verified_within_days", None, 1, 3650),
        page=_page(data),
        per_page=_per_page(data),
    )


def _per_page(data: Mapping[str, Any]) -> int:
    return _int(data, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE


def _page(data: Mapping[str, Any]) -> int:
    per_page = _per_page(data)
    deepest = last_page(per_page)
    page = _int(data, "page", 1, 1, 100000) or 1
    if page > deepest:
        raise SearchParamError(
            "page",
            str(
                _(
                    "Only the first %(results)s results of a search can be shown (page "
                    "%(last)s at %(per_page)s a page): add a place, a need or another filter to "
                    "find what you need sooner."
                )
                % {"results": MAX_RESULTS, "last": deepest, "per_page": per_page}
            ),
        )
    return page
