"""Finding services: the one search layer the public pages, the referral form and the API call.

A request walks this package once: `params` reads what the visitor asked, `places` turns a typed
place into a point or region, `query` picks the matching ids in the narrow search table (`rows`,
kept in step by `index`), and `results` loads the hits with only what the public may see of them; `documents` keeps
each public service's API list item, built by the refresh, so an API page loads no model. `cache` shares a
search's ids, distances and total between visitors for a short while, never the words or the
place, and forgets them at any public change.
Callers import from here; the modules below are the package's own business.
"""

from services.search.params import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    SearchParamError,
    SearchParams,
    SearchTooBroad,
    parse_search_params,
)
from services.search.places import PlaceNotFound, ResolvedPlace
from services.search.query import SearchResult, search
from services.search.results import (
    ServiceHit,
    attach_terms,
    haversine_km,
    load_services,
    public_locations_prefetch,
)
from services.search.text import dropped_everything, search_text

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "PlaceNotFound",
    "ResolvedPlace",
    "SearchParamError",
    "SearchParams",
    "SearchResult",
    "SearchTooBroad",
    "ServiceHit",
    "attach_terms",
    "dropped_everything",
    "haversine_km",
    "load_services",
    "parse_search_params",
    "public_locations_prefetch",
    "search",
    "search_text",
]
