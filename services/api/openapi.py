"""The OpenAPI parameters and page shapes the API's views declare (/api/schema/ shows them)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

LANG = OpenApiParameter(
    "lang",
    str,
    description="Content language (es, en, pt, fr, ht); default from Accept-Language. "
    "Extension: each object's `text_language` says which language each text is in.",
)
PAGE = OpenApiParameter(
    "page",
    {"type": "integer", "minimum": 1, "maximum": 50},
    description=(
        "Page number (from 1). Pages stop at the 1,000th result: at most page 50, and a page "
        "must start within the first 1,000 results (page 10 at 100 a page); a deeper page is a "
        "400. Copy the whole directory from an HSDS export and follow it with modified_after."
    ),
)
PER_PAGE = OpenApiParameter(
    "per_page",
    {"type": "integer", "minimum": 1, "maximum": 100},
    description="Results per page (1 to 100, default 20).",
)
# A record merged into another keeps answering at its old id, with the way to the new one.
MOVED = OpenApiResponse(
    description=(
        "The record was merged into another: `Location` gives the id it became (the query "
        "string kept). Follow it; the old id keeps answering so for as long as the merge is known."
    )
)
SEARCH = OpenApiParameter(
    "search",
    str,
    description=(
        "Full text search. Stop words (es, en, pt, fr) and words of one or two letters are not "
        "searched by, and at most ten words are. A search that runs out of its time is a 422: "
        "add a place, a need or a filter."
    ),
)
FULL = OpenApiParameter("full", bool, description="Fully nested objects in the list.")
SEARCH_EXTENSIONS = [
    OpenApiParameter("taxonomy_term_id", str, description="Term ids or codes (repeat, or comma-separated); children included."),
    OpenApiParameter("taxonomy_id", str, description="Services with any term of this taxonomy."),
    OpenApiParameter("organization_id", str, description="Services of this organisation."),
    OpenApiParameter("modified_after", str, description="Changed on or after this date or time."),
    OpenApiParameter("minimal", bool, description="Only id and last_modified of each service."),
    OpenApiParameter("lat", {"type": "number", "minimum": -90, "maximum": 90}, description="Extension: latitude of the person's position."),
    OpenApiParameter("lon", {"type": "number", "minimum": -180, "maximum": 180}, description="Extension: longitude of the person's position."),
    OpenApiParameter("radius_km", {"type": "number", "minimum": 0.1, "maximum": 2000}, description="Extension: search radius in km (0.1–2000)."),
    OpenApiParameter("place", str, description="Extension: a place as a person types it (Cúcuta; Houston, TX; 77002), or `=` and a `code` from `origin`/`alternatives` to pick that reading. The page says how it was read in `origin` and `alternatives`."),
    OpenApiParameter("country", str, description="Extension: the searcher's country (ISO 3166-1 alpha-2); a typed place there ranks first."),
    OpenApiParameter("region", str, description="Extension: a region code, e.g. CO-NSA."),
    OpenApiParameter("language", str, description="Extension: a language spoken at the service (ISO 639-1)."),
    OpenApiParameter("population", str, description="Extension: a population served (women, men, lgbtq, families…)."),
    *(
        OpenApiParameter(name, bool, description=f"Extension: only services that are {label}.")
        for name, label in (
            ("free", "free"),
            ("no_id", "open to people without ID"),
            ("immigration_status_not_asked", "not asking immigration status"),
            ("open_now", "open now"),
            ("open_24_7", "open 24/7"),
            ("accessible", "accessible"),
            ("has_capacity", "with free places"),
            ("trafficking_specialised", "specialised in trafficking"),
        )
    ),
    OpenApiParameter("verified_within_days", {"type": "integer", "minimum": 1, "maximum": 3650}, description="Extension: verified within this many days."),
]  # fmt: skip


# How the search read a place (services/hsds/EXTENSIONS.md, "origin"): one class, so that the
# schema has one "Place" component.
_Place = type(
    inline_serializer(
        name="Place",
        fields={
            "name": serializers.CharField(
                help_text="The place as understood, e.g. “San José, San José”."
            ),
            "kind": serializers.ChoiceField(
                choices=["country", "subdivision", "town", "postal_code", "point"]
            ),
            "code": serializers.CharField(
                allow_null=True,
                help_text="Send `place` = `=` + this code to search exactly this reading.",
            ),
            "country": serializers.CharField(allow_null=True, help_text="ISO 3166-1 alpha-2."),
            "region": serializers.CharField(
                allow_null=True, help_text="ISO 3166-2 first-level subdivision, where known."
            ),
            "latitude": serializers.FloatField(),
            "longitude": serializers.FloatField(),
            "match": serializers.ChoiceField(choices=["exact", "fuzzy", "code", "point"]),
        },
    )
)


def page_schema(name: str, item: Any, *, with_place: bool = False) -> Any:
    place_fields = {
        "origin": _Place(
            required=False,
            help_text="Extension: the reading of `place` (or the point of `lat`/`lon`) the search used; absent without a place.",
        ),
        "alternatives": serializers.ListField(
            child=_Place(),
            required=False,
            help_text="Extension: other plausible readings of `place`, best first.",
        ),
    }
    return inline_serializer(
        name=name,
        fields={
            **(place_fields if with_place else {}),
            "total_items": serializers.IntegerField(),
            "total_pages": serializers.IntegerField(),
            "page_number": serializers.IntegerField(),
            "size": serializers.IntegerField(),
            "first_page": serializers.BooleanField(),
            "last_page": serializers.BooleanField(),
            "empty": serializers.BooleanField(),
            "contents": item(many=True),
        },
    )
