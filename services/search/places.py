"""The offline gazetteer: a typed place ("Cúcuta", "cucuta", "Houston, TX", "Lima") becomes a
point and a region from our own Region table. No request ever leaves the server: what a person
in danger types is nobody else's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL

from services.models import Region

# A point further than this from every known town is not placed in a municipality.
REVERSE_MAX_KM = 40
_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: "Bogotá, D.C." → "bogota d c"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCTUATION.sub(" ", plain.casefold()).split())


def search_names_for(*names: str) -> list[str]:
    """The normalized, de-duplicated names a region is found by."""
    seen: list[str] = []
    for name in names:
        key = normalize(name)
        if key and key not in seen:
            seen.append(key)
    return seen


@dataclass
class ResolvedPlace:
    name: str
    point: Point
    region: Region | None


def _matches_qualifier(region: Region, qualifier: str) -> bool:
    for ancestor in region.ancestors_and_self()[1:]:
        suffix = ancestor.code.split("-")[-1].casefold()
        if qualifier in ancestor.search_names or qualifier == suffix:
            return True
    return False


def _display_name(region: Region) -> str:
    chain = region.ancestors_and_self()
    if region.level == Region.Level.MUNICIPALITY and len(chain) > 1:
        return f"{region.name}, {chain[1].name}"
    return region.name


# Countries first ("México" the country, not the city), then towns by size, then states.
_LEVEL_ORDER = Case(
    When(level=Region.Level.COUNTRY, then=Value(0)),
    When(level=Region.Level.MUNICIPALITY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _candidates(head: str, country: str | None, *, fuzzy: bool) -> list[Region]:
    queryset = Region.objects.select_related("parent__parent").filter(centre__isnull=False)
    if country:
        queryset = queryset.filter(country_code=country.upper())
    if not fuzzy:
        return list(
            queryset.filter(search_names__contains=[head])
            .annotate(level_order=_LEVEL_ORDER)
            .order_by("level_order", "-population", "code")[:50]
        )
    # A typo ("cucta", "bogta"): the closest name by trigrams, on the main names only.
    return list(
        queryset.annotate(
            similarity=TrigramWordSimilarity(head, Unaccent("name_es")),
            level_order=_LEVEL_ORDER,
        )
        .filter(similarity__gte=0.5)
        .order_by("-similarity", "level_order", "-population", "code")[:50]
    )


def resolve_place(text: str, *, country: str | None = None) -> ResolvedPlace | None:
    """The best match for a typed place, or None. "Houston, TX": the part after a comma must
    name (or be the code of) an enclosing region."""
    parts = [normalize(part) for part in (text or "").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        return None
    head, qualifiers = parts[0], parts[1:]
    for fuzzy in (False, True):
        for region in _candidates(head, country, fuzzy=fuzzy):
            if all(_matches_qualifier(region, q) for q in qualifiers):
                return ResolvedPlace(
                    name=_display_name(region),
                    point=Point(region.centre.x, region.centre.y, srid=4326),
                    region=region,
                )
    return None


def region_at(point: Point) -> Region | None:
    """The municipality whose centre is nearest to `point` (within REVERSE_MAX_KM), used to tell
    which regions' services serve a bare coordinate. One query; plain SQL because the ORM's
    geography distance lookups first read spatial_ref_sys (a query on the first call only, which
    would make the number of queries per search vary)."""
    nearest = RawSQL(
        "SELECT id FROM services_region WHERE level = 2"
        " AND ST_DWithin(centre, %s::geography, %s)"
        " ORDER BY centre <-> %s::geography LIMIT 1",
        [point.ewkt, REVERSE_MAX_KM * 1000.0, point.ewkt],
    )
    return Region.objects.select_related("parent__parent").filter(id__in=nearest).first()
