"""The offline gazetteer: a typed place ("Cúcuta", "cucuta", "Houston, TX", "77002", "Lima")
becomes a point and a region from our own tables. No request ever leaves the server: what a
person in danger types is nobody else's business.

Invariants:
- A reading is exact (a name or alias of a country, a first-level subdivision or a town), a
  postal code, a code chosen from an earlier answer ("=CR-SJ-3621849"), or fuzzy (trigrams).
- A typed qualifier ("Houston, TX", "Lima, Perú") keeps only the readings inside it.
- Ranking: the page's context country first; then countries; then a reading by its own name (or
  a subdivision's everyday name) before one by a town's alias; then size (a subdivision weighs
  as its biggest town; a name typed with its very accents, "San José", weighs ACCENT_WEIGHT
  times more); a town before the subdivision centred on it, which is the same place.
- Plausible other readings come back as `alternatives` and mark the reading `ambiguous`, so the
  page can ask "Which San José?" instead of guessing. A fuzzy reading (trigram candidates,
  scored by edit similarity) is taken only when it scores FUZZY_TAKE_SCORE, lies in the context
  country (or no country is in question) and no near-equal match elsewhere competes; otherwise
  it is only offered, and the search does not run on it.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Func
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from services.models import PostalCode, Region
from services.search.params import SearchParamError

# A point further than this from every known town is not placed in a municipality.
REVERSE_MAX_KM = 40
# Two readings this close are one place (a town and the subdivision centred on it).
SAME_PLACE_KM = 30
# Another reading asks the question when it weighs at least this share of the best one…
PLAUSIBLE_SHARE = 1 / 20
# … or, being a subdivision or the main town of one (a department's capital), this share…
PLAUSIBLE_SEAT_SHARE = 1 / 100
# … or, read only through an alias, this share.
PLAUSIBLE_ALIAS_SHARE = 1 / 5
# A reading typed with the accents of its own name counts as this many times its size.
ACCENT_WEIGHT = 10
FUZZY_MIN = 0.5
# Fuzzy readings are re-scored by edit similarity (0–100) of the typed name to theirs.
FUZZY_TAKE_SCORE = 85
# A fuzzy match this close to the best one, in another country, makes the best one a guess.
FUZZY_RIVAL_GAP = 5
MAX_ALTERNATIVES = 5
CANDIDATES = 200
_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)
_ZIP = re.compile(r"^(\d{5})(?: \d{4})?$")

COUNTRY, SUBDIVISION, TOWN, POSTAL_CODE, POINT = (
    "country",
    "subdivision",
    "town",
    "postal_code",
    "point",
)
_KIND_OF_LEVEL = {0: COUNTRY, 1: SUBDIVISION, 2: TOWN}


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


class PlaceNotFound(SearchParamError):
    """A typed place we cannot place; `suggestions` are close names worth offering."""

    def __init__(self, suggestions: list[ResolvedPlace] | None = None) -> None:
        super().__init__("place", str(_("We could not find this place.")))
        self.suggestions = suggestions or []


@dataclass
class ResolvedPlace:
    """One reading of a typed place: where the search is centred and what region it is in."""

    name: str
    point: Point
    region: Region | None
    kind: str = POINT
    # Sent back as place="=<code>", it picks exactly this reading (the "Which one?" links).
    code: str = ""
    match: str = "exact"
    alternatives: list[ResolvedPlace] = field(default_factory=list)
    ambiguous: bool = False
    # For ranking only: the reading's size, and whether it was read by its own name.
    weight: int = field(default=0, repr=False, compare=False)
    own_name: bool = field(default=True, repr=False, compare=False)

    @property
    def country(self) -> str:
        return self.region.country_code if self.region is not None else ""

    @property
    def subdivision(self) -> Region | None:
        """The ISO 3166-2 first-level subdivision the reading is in (or is)."""
        if self.region is None:
            return None
        return next(
            (r for r in self.region.ancestors_and_self() if r.level == Region.Level.SUBDIVISION),
            None,
        )

    @property
    def country_region(self) -> Region | None:
        if self.region is None:
            return None
        return self.region.ancestors_and_self()[-1]

    def as_dict(self) -> dict[str, object]:
        """What the API's page wrapper says about the reading (services/hsds/EXTENSIONS.md)."""
        subdivision = self.subdivision
        digits = 2 if self.kind == POINT else 5
        return {
            "name": self.name,
            "kind": self.kind,
            "code": self.code or None,
            "country": self.country or None,
            "region": subdivision.code if subdivision is not None else None,
            "latitude": round(self.point.y, digits),
            "longitude": round(self.point.x, digits),
            "match": self.match,
        }


def point_place(point: Point) -> ResolvedPlace:
    return ResolvedPlace(name="", point=point, region=None, kind=POINT, match="point")


def _display_name(region: Region) -> str:
    chain = region.ancestors_and_self()
    if region.level == Region.Level.MUNICIPALITY and len(chain) > 1:
        return f"{region.name}, {chain[1].name}"
    return region.name


def _reading(region: Region, match: str) -> ResolvedPlace:
    return ResolvedPlace(
        name=_display_name(region),
        point=Point(region.centre.x, region.centre.y, srid=4326),
        region=region,
        kind=_KIND_OF_LEVEL[region.level],
        code=region.code,
        match=match,
    )


def _regions():
    return Region.objects.select_related("parent__parent").filter(centre__isnull=False)


def _matches_qualifier(region: Region, qualifier: str) -> bool:
    for ancestor in region.ancestors_and_self()[1:]:
        suffix = ancestor.code.split("-")[-1].casefold()
        if qualifier in ancestor.search_names or qualifier == suffix:
            return True
    return False


def _own_names(region: Region) -> set[str]:
    return {
        normalize(getattr(region, f"name_{lang}", "") or "") for lang in ("es", "en", "pt", "fr")
    } | {normalize(region.name)}


def _km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _weights(regions: list[Region]) -> dict[int, int]:
    """A region's size for ranking: its people; a subdivision's, its biggest town's."""
    subdivisions = [r.id for r in regions if r.level == Region.Level.SUBDIVISION]
    biggest: dict[int, int] = {}
    if subdivisions:
        rows = (
            Region.objects.filter(parent_id__in=subdivisions, level=Region.Level.MUNICIPALITY)
            .order_by("parent_id", "-population")
            .distinct("parent_id")
            .values_list("parent_id", "population")
        )
        biggest = {parent: population or 0 for parent, population in rows}
    return {
        r.id: biggest.get(r.id, 0) if r.level == Region.Level.SUBDIVISION else r.population or 0
        for r in regions
    }


@dataclass
class PlaceReading:
    """What a typed place can mean: the reading to search with (or None) and the others."""

    origin: ResolvedPlace | None
    choices: list[ResolvedPlace]


def _spelled(text: str) -> str:
    """Lower case with the accents kept: "Darién" is not "Darien"."""
    return " ".join(_PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold()).split())


def _rank(regions: list[Region], head: str, typed: str, context: str) -> list[ResolvedPlace]:
    weights = _weights(regions)

    def accented(region: Region) -> bool:
        """Typed with the very accents of its own name ("San José", "Darién")."""
        return typed != normalize(typed) and typed in {
            _spelled(getattr(region, f"name_{lang}", "") or "") for lang in ("es", "en", "pt", "fr")
        }

    def key(region: Region) -> tuple:
        return (
            0 if context and region.country_code == context else 1,
            0 if region.level == Region.Level.COUNTRY else 1,
            0 if head in _own_names(region) else 1,
            -weights[region.id] * (ACCENT_WEIGHT if accented(region) else 1),
            -region.level,
            region.code,
        )

    ranked = []
    for region in sorted(regions, key=key):
        reading = _reading(region, "exact")
        reading.weight = weights[region.id]
        reading.own_name = head in _own_names(region)
        ranked.append(reading)
    return ranked


def _distinct(readings: list[ResolvedPlace]) -> list[ResolvedPlace]:
    """Readings that are different places: a later one within SAME_PLACE_KM of an earlier one
    of the same country is that place again (a town and the subdivision named after it)."""
    kept: list[ResolvedPlace] = []
    for reading in readings:
        if not any(
            k.country == reading.country and _km(k.point, reading.point) < SAME_PLACE_KM
            for k in kept
        ):
            kept.append(reading)
    return kept


def _is_plausible(best: ResolvedPlace, other: ResolvedPlace, context: str) -> bool:
    if context and best.country == context and other.country != context:
        return False
    if not _named(other):
        return other.weight >= best.weight * PLAUSIBLE_ALIAS_SHARE
    share = PLAUSIBLE_SEAT_SHARE if _is_seat(other.region) else PLAUSIBLE_SHARE
    return other.weight >= best.weight * share


def _named(reading: ResolvedPlace) -> bool:
    """Read by its own name, or by a subdivision's everyday name (those are hand-written in
    services/data/region_names.py; a town's aliases come unchecked from GeoNames)."""
    return reading.own_name or reading.kind == SUBDIVISION


def _is_seat(region: Region | None) -> bool:
    """A subdivision, or the town its centre is on (its biggest town)."""
    if region is None or region.level == Region.Level.COUNTRY:
        return False
    if region.level == Region.Level.SUBDIVISION:
        return True
    parent = region.parent
    return (
        parent is not None
        and parent.level == Region.Level.SUBDIVISION
        and parent.centre is not None
        and parent.centre.equals(region.centre)
    )


def _exact(head: str, country: str | None) -> list[Region]:
    queryset = _regions().filter(search_names__contains=[head])
    if country:
        queryset = queryset.filter(country_code=country.upper())
    return list(queryset.order_by("-population", "code")[:CANDIDATES])


def _fuzzy(head: str, country: str | None) -> list[tuple[Region, float]]:
    """A typo ("cucta", "bogta"): the closest main names by trigrams."""
    queryset = _regions()
    if country:
        queryset = queryset.filter(country_code=country.upper())
    # `<%` is word_similarity() >= pg_trgm.word_similarity_threshold, which the trigram index
    # (services/migrations/0021) answers: the gazetteer is not read name by name.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(FUZZY_MIN)]
        )
    rows = (
        queryset.extra(where=["%s <%% enlace_unaccent(services_region.name_es)"], params=[head])  # noqa: S610 — a constant SQL fragment; the value is a parameter
        .annotate(
            similarity=TrigramWordSimilarity(head, Func(F("name_es"), function="enlace_unaccent"))
        )
        .order_by("-similarity", "level", "-population", "code")[:50]
    )
    return [(region, region.similarity) for region in rows]


def _postal(zip5: str) -> ResolvedPlace | None:
    code = (
        PostalCode.objects.select_related("region__parent__parent")
        .filter(country_code="US", code=zip5)
        .first()
    )
    if code is None:
        return None
    return ResolvedPlace(
        name=f"{code.code} {code.name}",
        point=Point(code.centre.x, code.centre.y, srid=4326),
        region=code.region,
        kind=POSTAL_CODE,
        code=f"US-{code.code}",
        match="exact",
    )


def _by_code(code: str) -> ResolvedPlace | None:
    code = code.strip().upper()
    postal = re.fullmatch(r"US-(\d{5})", code)
    if postal:
        return _postal(postal.group(1))
    region = _regions().filter(code=code).first()
    return _reading(region, "code") if region is not None else None


def read_place(text: str, *, country: str | None = None, context: str = "") -> PlaceReading:
    """Every plausible reading of a typed place, best first. `country` restricts the search to
    one country; `context` (the page's country) only ranks its places first. "Houston, TX":
    the parts after a comma must name (or be the code of) an enclosing region."""
    if (text or "").strip().startswith("="):
        place = _by_code(text.strip()[1:])
        return PlaceReading(place, [place] if place else [])
    parts = [normalize(part) for part in (text or "").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        return PlaceReading(None, [])
    head, qualifiers = parts[0], parts[1:]
    zip_code = _ZIP.match(head)
    if zip_code and (not country or country.upper() == "US"):
        place = _postal(zip_code.group(1))
        return PlaceReading(place, [place] if place else [])
    context = (context or "").upper()
    typed = _spelled((text or "").split(",")[0])
    regions = [
        r for r in _exact(head, country) if all(_matches_qualifier(r, q) for q in qualifiers)
    ]
    if regions:
        readings = _distinct(_rank(regions, head, typed, context))
        best = readings[0]
        # A reading only through some alias ("York" is also called "New York") is offered only
        # when it is big enough to be what was meant.
        others = [
            r for r in readings[1:] if _named(r) or r.weight >= best.weight * PLAUSIBLE_ALIAS_SHARE
        ]
        # The plausible ones first (in rank order), so that none is cut off by a small namesake.
        others.sort(key=lambda r: not _is_plausible(best, r, context))
        others = others[:MAX_ALTERNATIVES]
        best.alternatives = others
        best.ambiguous = any(_is_plausible(best, other, context) for other in others)
        return PlaceReading(best, [best, *others])
    fuzzy = [
        (region, _edit_score(head, region))
        for region, _similarity in _fuzzy(head, country)
        if all(_matches_qualifier(region, q) for q in qualifiers)
    ]
    if not fuzzy:
        return PlaceReading(None, [])
    weights = _weights([region for region, _score in fuzzy])
    fuzzy.sort(key=lambda item: (-item[1], -weights[item[0].id], item[0].code))
    readings = _distinct([_reading(region, "fuzzy") for region, _score in fuzzy])
    best_region, best_score = fuzzy[0]
    rival = any(
        region.country_code != best_region.country_code and score >= best_score - FUZZY_RIVAL_GAP
        for region, score in fuzzy[1:]
    )
    wanted = context or (country or "").upper()
    taken = best_score >= FUZZY_TAKE_SCORE and not rival
    if taken and (not wanted or best_region.country_code == wanted):
        best = readings[0]
        best.alternatives = readings[1 : 1 + MAX_ALTERNATIVES]
        return PlaceReading(best, readings[: 1 + MAX_ALTERNATIVES])
    return PlaceReading(None, readings[:MAX_ALTERNATIVES])


# Readings of typed places, kept per process: reading one costs ~10 ms of Python (ranking its
# candidates by distance and weight), the same few places are typed again and again, and the
# gazetteer changes only when regions are loaded or saved (both call forget_readings). Entries
# also age out, so a change made by another process is seen within READINGS_SECONDS. What is
# kept is the reading (gazetteer rows), under a salted digest of what was typed: the typed words
# themselves are not kept.
READINGS_SECONDS = 300
READINGS_KEPT = 2048
_READINGS: OrderedDict[bytes, tuple[float, PlaceReading]] = OrderedDict()
_READINGS_SALT = secrets.token_bytes(16)


def read_place_kept(text: str, *, country: str | None = None, context: str = "") -> PlaceReading:
    """read_place's answer, from this process's memory when it was read a moment ago. Its
    readings are shared: callers read them and never change them."""
    material = "\x1f".join((text or "", country or "", context or "")).encode()
    key = hashlib.blake2b(material, key=_READINGS_SALT, digest_size=16).digest()
    now = time.monotonic()
    kept = _READINGS.get(key)
    if kept is not None and now - kept[0] < READINGS_SECONDS:
        _READINGS.move_to_end(key)
        return kept[1]
    reading = read_place(text, country=country, context=context)
    _READINGS[key] = (now, reading)
    _READINGS.move_to_end(key)
    while len(_READINGS) > READINGS_KEPT:
        _READINGS.popitem(last=False)
    return reading


def forget_readings(*args: object, **kwargs: object) -> None:
    """Drops the kept readings (the gazetteer changed); usable as a signal receiver."""
    _READINGS.clear()


def _edit_score(head: str, region: Region) -> float:
    """How close the typed name is to the region's closest name, 0–100 (a typo scores high, a
    name that merely contains the typed one low)."""
    return max((fuzz.ratio(head, name) for name in region.search_names), default=0.0)


def resolve_place(
    text: str, *, country: str | None = None, context: str = ""
) -> ResolvedPlace | None:
    """The reading to search with, its alternatives attached, or None."""
    return read_place(text, country=country, context=context).origin


# The longest run of trailing words tried as a place before the shorter ones ("san jose de
# cucuta"); the whole text is always tried first.
PLACE_WORDS = 4


def split_place(text: str, *, context: str = "") -> tuple[str, str]:
    """(place, other words): the whole text, or its longest ending of at most PLACE_WORDS words,
    that names a place ("refugio cucuta" → ("cucuta", "refugio")), or ("", text) when none
    does. `context` ranks a country's places first, as on the pages."""
    words = text.split()
    for size in (len(words), *range(min(PLACE_WORDS, len(words) - 1), 0, -1)):
        candidate = " ".join(words[-size:])
        if size and resolve_place(candidate, context=context) is not None:
            return candidate, " ".join(words[:-size])
    return "", text


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
