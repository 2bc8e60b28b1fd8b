"""The one search layer: the public pages and the HSDS API both call `search()`.

Every distance is measured from `Location.public_point` (confidential.py): the exact point of a
confidential shelter is never read here.

SQL is assembled from constant fragments defined in this module; every value a user gives is a
query parameter, hence the file-wide S608 exemption.
"""
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from services.models import (
    Region,
)
from services.querysets import CAPACITY_VALID_HOURS, FRESHNESS_SQL, fresh_since, warn_since
from services.search import cache as result_cache
from services.search.params import (
    DEFAULT_PER_PAGE,
    DEFAULT_PLACE_RADIUS_KM,
    SearchParams,
    SearchTooBroad,
    last_page,
)
from services.search.places import (
    PlaceNotFound,
    ResolvedPlace,
    normalize,
    point_place,
    read_place_kept,
    region_at,
)
from services.search.results import (
    ServiceHit,
    build_hits,
)
from services.search.rows import FACET_ROWS, facet_id
from services.search.text import search_text


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
    # True when the search has more matches than `total`: searches count up to COUNT_LIMIT.
    total_is_lower_bound: bool = False
    # The page as [(service id, metres from the origin or None)], in order.
    rows: list[tuple[uuid.UUID, float | None]] = field(default_factory=list)


# --- results ----------------------------------------------------------------------------------


def resolve_origin(params: SearchParams) -> ResolvedPlace | None:
    """The place the search is centred on, with the other readings of a typed place attached;
    a place that cannot be read raises PlaceNotFound with the close names worth offering."""
    if params.lat is not None and params.lon is not None:
        return point_place(Point(params.lon, params.lat, srid=4326))
    if params.place:
        reading = read_place_kept(params.place, context=params.country)
        if reading.origin is None:
            raise PlaceNotFound(reading.choices)
        return reading.origin
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


# Text matches beyond this many are not ranked: ranking reads every matching vector, which a
# common word makes slow, so at most RANK_CANDIDATES matches are ranked.
RANK_CANDIDATES = 1000
# Searches count their matches up to this many and then say "more than" (see _count).
COUNT_LIMIT = 1000
TSQUERY = (
    "(websearch_to_tsquery('es_unaccent', %(q)s) || websearch_to_tsquery('en_unaccent', %(q)s))"
)
_LOCAL = "(%(now)s::timestamptz AT TIME ZONE coalesce(nullif(s.time_zone, ''), 'UTC'))"
MINUTE_OF_WEEK = (
    f"((extract(isodow FROM {_LOCAL})::int - 1) * 1440"
    f" + extract(hour FROM {_LOCAL})::int * 60 + extract(minute FROM {_LOCAL})::int)"
)
# Listings past the verification warning age rank after fresh ones in every ordering.
STALE = f"({FRESHNESS_SQL} < %(warn)s)"
SORT_NAME = {
    "en": "lower(coalesce(s.name_en, s.name_es, s.name))",
    "es": "lower(coalesce(s.name_es, s.name))",
}


@dataclass
class _Query:
    where: list[str]
    args: dict[str, Any]
    near: str = ""
    serves: str = ""


# The yes/no search parameters and the columns they require to be true.
FLAG_COLUMNS = {
    "free": "is_free",
    "no_id": "no_id_required",
    "immigration_status_not_asked": "immigration_status_not_asked",
    "open_24_7": "open_24_7",
    "accessible": "is_accessible",
    "trafficking_specialised": "trafficking_specialised",
}


LANGUAGE_SQL = "s.language_codes @> ARRAY[%(language)s]::varchar[]"
POPULATION_SQL = "s.populations @> ARRAY[%(population)s]::varchar[]"
POPULATIONS_SQL = "s.populations @> %(populations)s::varchar[]"


def _filters(params: SearchParams, now: dt.datetime) -> _Query:
    """The WHERE clauses every query of one search shares (fixed SQL, values as parameters)."""
    where = ["s.status = 'active'", f"{FRESHNESS_SQL} >= %(fresh)s"]
    args: dict[str, Any] = {"fresh": fresh_since(now), "warn": warn_since(now), "now": now}
    if params.taxonomy_term:
        where.append("s.term_ids && %(term_ids)s::uuid[]")
        args["term_ids"] = term_ids_with_children(params.taxonomy_term)
    if params.taxonomy_id:
        where.append(
            "s.term_ids && ARRAY(SELECT t.id FROM services_taxonomyterm t"
            " WHERE t.taxonomy_id = %(taxonomy_id)s)"
        )
        args["taxonomy_id"] = params.taxonomy_id
    if params.organization_id:
        where.append("s.organization_id = %(organization_id)s")
        args["organization_id"] = params.organization_id
    if params.modified_after:
        where.append("s.last_modified >= %(modified_after)s")
        args["modified_after"] = params.modified_after
    if params.language:
        where.append(LANGUAGE_SQL)
        args["language"] = params.language
    if params.population:
        where.append(POPULATION_SQL)
        args["population"] = params.population
    if params.populations:
        where.append(POPULATIONS_SQL)
        args["populations"] = list(params.populations)
    where.extend(f"s.{column}" for name, column in FLAG_COLUMNS.items() if getattr(params, name))
    if params.has_capacity:
        # A free bed reported days ago is a guess: the filter trusts what the page shows as known.
        where.append("s.capacity_available > 0 AND s.capacity_updated_at >= %(capacity_since)s")
        args["capacity_since"] = now - dt.timedelta(hours=CAPACITY_VALID_HOURS)
    if params.open_now:
        where.append(f"(s.open_24_7 OR s.open_week @> {MINUTE_OF_WEEK})")
    if params.verified_within_days:
        where.append("s.last_verified_at >= %(verified_since)s")
        args["verified_since"] = now - dt.timedelta(days=params.verified_within_days)
    if params.region:
        region = Region.objects.select_related("parent__parent").get(code=params.region)
        where.append(
            "(s.region_ids @> ARRAY[%(region)s]::bigint[]"
            " OR s.area_region_ids && %(region_chain)s::bigint[])"
        )
        args["region"] = region.id
        args["region_chain"] = [r.id for r in region.ancestors_and_self()]
    return _Query(where=where, args=args)


def _add_origin(query: _Query, params: SearchParams, origin: ResolvedPlace) -> None:
    """Near (by public points, within a radius or a region) or served (service areas)."""
    region = origin.region
    if region is None:
        region = region_at(origin.point)
    chain = [r.id for r in region.ancestors_and_self()] if region else []
    query.args.update(origin=origin.point.ewkt, chain=chain)
    covered = (
        "s.id = ANY(ARRAY(SELECT sa.service_id FROM services_servicearea sa"
        " WHERE sa.area IS NOT NULL AND ST_Covers(sa.area, %(origin)s::geography)))"
    )
    if params.radius_km is None and origin.region is not None and origin.region.level < 2:
        # A state or a country: everything in it, nearest to its main town first.
        query.args["origin_region"] = origin.region.id
        query.near = (
            "(s.search_points IS NOT NULL AND s.region_ids @> ARRAY[%(origin_region)s]::bigint[])"
        )
        query.serves = (
            f"(s.area_region_ids && %(chain)s::bigint[] OR {covered}"
            " OR s.region_ids @> ARRAY[%(origin_region)s]::bigint[])"
        )
        return
    query.args["radius_m"] = 1000.0 * (params.radius_km or DEFAULT_PLACE_RADIUS_KM)
    query.near = "ST_DWithin(s.search_points, %(origin)s::geography, %(radius_m)s)"
    query.serves = f"(s.area_region_ids && %(chain)s::bigint[] OR {covered})"


def _fetch(sql: str, args: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _is_listing(params: SearchParams) -> bool:
    """A plain listing (everything, or one organisation's, or what changed since a date): what
    HSDS consumers page through to the end, so its total stays exact."""
    return (
        replace(
            params,
            page=1,
            per_page=DEFAULT_PER_PAGE,
            organization_id="",
            modified_after=None,
            taxonomy_id="",
        )
        == SearchParams()
    )


# Search reads the narrow copy of the service columns it filters and sorts on (rows.py);
# only the text vector stays on the wide table.
ROWS = "services_searchrow"
FULL = "services_service"
ROW_SORT = {"en": "s.sort_en", "es": "s.sort_es"}
# Up to this many matches are read from the narrow table and sorted whole; a search with more
# walks an index in the page's order. Walking the name index is slow when the matches sort late
# (names cluster by kind, so a rare combination skips most of the index), and sorting a few
# thousand narrow rows is cheap.
SORT_ALL_UPTO = 5000
# Near a place the walk is a GiST scan in distance order, fast whatever the filters, so only as
# many matches as the count needs are read.
NEAR_SORT_ALL_UPTO = 1000
# A term filter walks the term's own name-ordered rows (rows.FACET_ROWS), one index scan
# per term and its descendants; a taxonomy's whole tree is a few dozen terms.
MAX_TERM_WALKS = 64


def _exact_count(where: str, args: dict[str, Any]) -> int:
    """A plain listing's exact total: an index-only scan of services_service's published index."""
    return _fetch(f"SELECT count(*) FROM {FULL} s WHERE {where}", args)[0][0]  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter


def _paged(
    matches: str,
    ordered: str,
    walk: str,
    args: dict[str, Any],
    exact_total: int | None,
    sort_all_upto: int,
) -> tuple[int, bool, list[tuple[uuid.UUID, float | None]]]:
    """Count and page in one statement. `matches` selects (id, d, stale, sort keys) of a bounded
    number of matches: they give the count (up to COUNT_LIMIT, then "more than"), and when they
    are all the matches (`sort_all_upto` or fewer), the page is sorted from them
    (`ordered`) without touching the table again. Only a search with more matches runs `walk`,
    an index scan in the page's order that stops at its end. PostgreSQL runs only the branch
    whose one-time condition holds.

    The matches are a CTE of their own, read up to the limit by the next one: planned under the
    LIMIT, PostgreSQL assumed its estimate of matches (filters taken as independent) and read
    the table in order to stop early, which for a combination that matches nothing (a term and
    a population never seen together) was a scan of every row; planned for all its rows it ANDs
    the filters' indexes."""
    args = {**args, "count_upto": max(sort_all_upto, COUNT_LIMIT) + 1}
    rows = _fetch(
        f"""
        WITH a AS MATERIALIZED ({matches}),
             m AS MATERIALIZED (SELECT * FROM a LIMIT %(count_upto)s),
             n AS MATERIALIZED (SELECT count(*) AS n FROM m)
        SELECT n.n, p.id, p.d FROM n LEFT JOIN (
            (SELECT id, d FROM m WHERE (SELECT n FROM n) <= {sort_all_upto}
             {ordered} OFFSET %(offset)s LIMIT %(limit)s)
            UNION ALL
            (SELECT id, d FROM ({walk}) AS w WHERE (SELECT n FROM n) > {sort_all_upto})
        ) AS p ON true
        """,  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        args,
    )
    found = rows[0][0]
    page = [(r[1], r[2]) for r in rows if r[1] is not None]
    if exact_total is not None:
        return exact_total, False, page
    return min(found, COUNT_LIMIT), found > COUNT_LIMIT, page


def _walked_facets(params: SearchParams, args: dict[str, Any]) -> list[uuid.UUID]:
    """The filter whose listings a search with many matches walks in name order: a term (a few
    percent of the listings each), else a population, else a language (Spanish or English is
    most of them); none when the search has neither, or a region: a region's few thousand
    listings are read and sorted whole (SORT_ALL_UPTO), cheaper than walking a population's
    hundreds of thousands of entries to meet them."""
    if params.region:
        return []
    terms = args.get("term_ids") or []
    if 0 < len(terms) <= MAX_TERM_WALKS:
        return list(terms)
    if params.population:
        return [facet_id("population", params.population)]
    if params.language:
        return [facet_id("language", params.language)]
    return []


def _run(
    query: _Query, params: SearchParams, *, text: str, lang: str
) -> tuple[int, bool, list[tuple[uuid.UUID, float | None]]]:
    """(total, more than total, [(service id, distance in metres)]) for one page.

    Fresh listings come before stale ones in every ordering. A search with more matches
    than it counts asks each ordering of the fresh and the stale listings separately, so that
    the name and distance indexes deliver rows already in order and the scan stops at the page's
    end, instead of sorting every match."""
    where = list(query.where)
    args = dict(query.args)
    offset = (params.page - 1) * params.per_page
    args.update(offset=offset, limit=params.per_page, upto=offset + params.per_page)
    exact = _is_listing(params) and not text
    if text:
        args["q"] = text
    if query.near:
        return _run_near(query, where, args, text=text)
    if params.region and not text:
        # A region's listings are a few thousand; left indexable, a language's or a population's
        # bitmap (a large part of the directory) would be built to AND with them, where testing
        # each of the region's rows is far cheaper. "IS TRUE" keeps the meaning.
        where = [f"({c}) IS TRUE" if c in (LANGUAGE_SQL, POPULATION_SQL) else c for c in where]
    base = " AND ".join(where)
    if text:
        return _run_text(base, args, offset + params.per_page)
    sort = ROW_SORT.get(lang, ROW_SORT["es"])
    facets = _walked_facets(params, args)
    if facets:
        # The facet's listings come in name order from services_searchfacet (one ordered index
        # scan per facet, merged; a listing under two of a term's descendants comes twice, next
        # to itself, hence DISTINCT). Status, freshness and the yes/no filters are tested in the
        # index; the other filters on the search rows of what passes.
        args.update({f"facet_{i}": facet for i, facet in enumerate(facets)})
        flags = "".join(
            f" AND f.{column}" for name, column in FLAG_COLUMNS.items() if getattr(params, name)
        )
        column = sort[2:]

        def source(fresh_cond: str) -> str:
            named = " UNION ALL ".join(
                f"(SELECT f.{column} AS k, f.id FROM {FACET_ROWS} f"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
                f" WHERE f.facet = %(facet_{i})s AND f.active AND f.fresh_at >= %(fresh)s"
                f" AND {fresh_cond}{flags} ORDER BY 1, 2)"
                for i in range(len(facets))
            )
            return f"(SELECT DISTINCT ON (k, id) k, id FROM ({named}) AS u ORDER BY k, id) AS w JOIN {ROWS} s ON s.id = w.id"  # nosec B608 — fixed SQL fragments only

        sources = {
            "false": source("f.fresh_at >= %(warn)s"),
            "true": source("f.fresh_at < %(warn)s"),
        }
        # The walk is cheap whatever the matches: no need to read 5,000 to sort them.
        key, sort_all_upto = "w.k", COUNT_LIMIT
    else:
        sources = {"false": f"{ROWS} s", "true": f"{ROWS} s"}
        key, sort_all_upto = sort, SORT_ALL_UPTO
    walk = " UNION ALL ".join(
        f"""(SELECT s.id, NULL::float8 AS d, {stale} AS stale, {key} AS k FROM {sources[stale]}
            WHERE {base} AND {cond} ORDER BY {key}, s.id LIMIT %(upto)s)"""  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        for stale, cond in (("false", f"NOT {STALE}"), ("true", STALE))
    )
    return _paged(
        f"SELECT s.id, NULL::float8 AS d, {STALE} AS stale, {sort} AS k FROM {ROWS} s WHERE {base}",  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        "ORDER BY stale, k, id",
        f"SELECT id, d FROM ({walk}) AS x ORDER BY stale, k, id OFFSET %(offset)s LIMIT %(limit)s",  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        args,
        _exact_count(base, args) if exact else None,
        sort_all_upto,
    )


def _run_text(
    base: str, args: dict[str, Any], upto: int
) -> tuple[int, bool, list[tuple[uuid.UUID, float | None]]]:
    """Text without a place: the first matches the text index yields are counted and ranked
    in one statement (one bitmap of the text index, not one per step). Ranking reads each
    candidate's vector: only RANK_CANDIDATES matches (or as many as the page needs) are ranked."""
    args = {**args, "candidates": max(RANK_CANDIDATES, upto)}
    args["take"] = max(COUNT_LIMIT + 1, args["candidates"])
    rows = _fetch(
        f"""
        WITH m AS MATERIALIZED (
            SELECT s.id, s.search_vector AS v, {STALE} AS stale
            FROM {FULL} s WHERE {base} AND s.search_vector @@ {TSQUERY} LIMIT %(take)s),
        n AS MATERIALIZED (SELECT count(*) AS n FROM m)
        SELECT n.n, p.id FROM n LEFT JOIN LATERAL (
            SELECT id FROM (SELECT * FROM m LIMIT %(candidates)s) AS c
            ORDER BY stale, ts_rank_cd(v, {TSQUERY}) DESC, id
            OFFSET %(offset)s LIMIT %(limit)s
        ) AS p ON true
        """,  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        args,
    )
    found = rows[0][0]
    return (
        min(found, COUNT_LIMIT),
        found > COUNT_LIMIT,
        [(r[1], None) for r in rows if r[1] is not None],
    )


def _run_near(
    query: _Query, where: list[str], args: dict[str, Any], *, text: str
) -> tuple[int, bool, list[tuple[uuid.UUID, float | None]]]:
    """Near a place (public points within the radius, nearest first) or serving it (after
    those). The text, when there is one, is tested on the wide row of each candidate the narrow
    table finds (a scalar sub-select, so the planner never builds the whole text bitmap), except
    in the count of a big radius (_text_near_count)."""
    # The radius (or the region) picks the candidates through its index; the other filters are
    # tested on those rows only. Left indexable, PostgreSQL ANDs in the bitmap of a common
    # population or language (a large part of the directory) to spare a few hundred row reads;
    # "IS TRUE" keeps the same meaning and no index can serve it. The status and freshness
    # clauses (the first two) stay as they are: their statistics tell the planner how many
    # listings are stale, which decides the distance-ordered walk.
    count_where = list(where)
    where = where[:2] + [f"({clause}) IS TRUE" for clause in where[2:]]
    plain = " AND ".join(where)
    if text:
        where.append(f"(SELECT f.search_vector FROM {FULL} f WHERE f.id = s.id) @@ {TSQUERY}")  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
    base = " AND ".join(where)
    near, serves = query.near, query.serves
    dist = "s.search_points <-> %(origin)s::geography"

    def nearest(cond: str, limit: str) -> str:
        # Ordered by distance alone: a tie-breaker on id in the same ORDER BY makes PostgreSQL
        # sort every row in the radius instead of walking the GiST index; ties are broken by the
        # caller.
        return (
            f"SELECT s.id, {dist} AS d, {STALE} AS stale, 0 AS grp FROM {ROWS} s"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
            f" WHERE {base} AND {near} AND {cond} ORDER BY {dist} LIMIT {limit}"
        )

    def nearest_exact(cond: str) -> str:
        # The page's rows in (distance, id) order: the `upto` nearest fix the farthest distance
        # the page needs; every row within it (ties included) is read again through the index.
        # The farthest distance is a joined one-row relation, not a sub-select written in both
        # conditions: PostgreSQL ran such a sub-select once per mention, i.e. the walk to the
        # page's end twice.
        reach = f"(SELECT max(k.d) AS r FROM ({nearest(cond, '%(upto)s')}) AS k) AS reach"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        return (
            f"(SELECT s.id, {dist} AS d, {STALE} AS stale, 0 AS grp FROM {reach} CROSS JOIN {ROWS} s"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
            f" WHERE {base} AND {near} AND {cond}"
            f" AND ST_DWithin(s.search_points, %(origin)s::geography, reach.r * 1.01 + 1.0)"
            f" AND {dist} <= reach.r ORDER BY d, s.id LIMIT %(upto)s)"
        )

    served = (
        f"SELECT s.id, ST_Distance(s.search_points, %(origin)s::geography) AS d,"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        f" {STALE} AS stale, 1 AS grp FROM {ROWS} s"
        f" WHERE {base} AND {serves} AND NOT coalesce({near}, false)"
    )
    walk = f"""
        SELECT id, d FROM (
            {nearest_exact(f"NOT {STALE}")} UNION ALL {nearest_exact(STALE)} UNION ALL
            ({served} ORDER BY stale, d NULLS LAST, s.id LIMIT %(upto)s)
        ) AS x
        ORDER BY stale, grp, d NULLS LAST, id OFFSET %(offset)s LIMIT %(limit)s"""  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
    # The count needs any NEAR_SORT_ALL_UPTO + 1 matches, not the nearest: no ORDER BY here.
    counted = (
        f"(SELECT s.id, {dist} AS d, {STALE} AS stale, 0 AS grp FROM {ROWS} s"  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        f" WHERE {base} AND {near} LIMIT %(count_upto)s)"
    )
    if text:
        counted = _text_near_count(count_where, plain, near, dist, args)
    return _paged(
        f"SELECT * FROM ({counted} UNION ALL ({served} LIMIT %(count_upto)s)) AS u",  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter
        "ORDER BY stale, grp, d NULLS LAST, id",
        walk,
        args,
        None,
        NEAR_SORT_ALL_UPTO,
    )


# A text near a place is counted per candidate of the narrow table while the radius holds at most
# this many listings; a larger radius is counted from the text and point indexes of the wide
# table instead.
TEXT_NEAR_PROBE = 5000


def _text_near_count(
    where: list[str], plain: str, near: str, dist: str, args: dict[str, Any]
) -> str:
    """The near half of a text search's count: any `count_upto` matches within the radius, as
    (id, d, stale, grp) rows.

    Testing the text per candidate reads each candidate's wide row (a sub-select by id): cheap
    for a town's radius, but a big city's radius holds tens of thousands of listings. There the
    wide table answers faster: it has the same columns (search/rows.py copies them) and both a
    text and a point index, so PostgreSQL ANDs their bitmaps (and a term's or a population's)
    and reads only the rows in all of them. For a town's radius the text bitmap of a common word
    alone costs more than every per-candidate test, and PostgreSQL cannot tell the two apart (it
    guesses the radius's rows many times too few). So the first TEXT_NEAR_PROBE + 1 rows of the
    radius's bounding box are read from the narrow table, with whether they pass the other
    filters: when the box has no more, the distance and then the text are tested on those that
    pass; otherwise the wide table counts. One-time filters run only one of the two."""
    args["near_probe"] = TEXT_NEAR_PROBE + 1
    wide = " AND ".join([*where, f"s.search_vector @@ {TSQUERY}"])
    # The probe reads the radius's bounding box (the index condition alone): the exact distance
    # on the spheroid is only computed for the rows that pass the other filters.
    box, exact = "s.search_points && _ST_Expand(%(origin)s::geography, %(radius_m)s)", near
    if "radius_m" not in args:
        # A state or a country: its listings are read by region, no distance to test.
        box, exact = near, "true"
    return f"""(WITH c AS MATERIALIZED (
            SELECT s.id, s.search_points, {STALE} AS stale, ({plain}) AS ok FROM {ROWS} s
            WHERE {box} LIMIT %(near_probe)s),
        few AS MATERIALIZED (SELECT count(*) < %(near_probe)s AS few FROM c)
        (SELECT s.id, {dist} AS d, s.stale, 0 AS grp FROM c AS s
         WHERE (SELECT few FROM few) AND s.ok AND {exact}
         AND (SELECT f.search_vector FROM {FULL} f WHERE f.id = s.id) @@ {TSQUERY}
         LIMIT %(count_upto)s)
        UNION ALL
        (SELECT s.id, {dist} AS d, {STALE} AS stale, 0 AS grp FROM {FULL} s
         WHERE NOT (SELECT few FROM few) AND {wide} AND {near} LIMIT %(count_upto)s))"""  # nosec B608 — fixed SQL fragments only; every value is a bound %(name)s parameter


def correct_words(text: str) -> str:
    """Each word of four letters or more replaced by the nearest listing word ("albege" →
    "albergue"), in one query: trigrams find a few candidates through the index, and the closest
    spelling among them wins (trigrams alone rank "alberto" above "albergue")."""
    words = normalize(text).split()
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return ""
    rows = _fetch(
        """
        SELECT q.w, c.word FROM unnest(%(words)s::text[]) AS q(w)
        CROSS JOIN LATERAL (
            SELECT sw.word FROM services_searchword sw WHERE sw.word %% q.w
            ORDER BY similarity(sw.word, q.w) DESC, sw.word LIMIT 8
        ) AS c
        """,
        {"words": long_words},
    )
    candidates: dict[str, list[str]] = {}
    for word, candidate in rows:
        candidates.setdefault(word, []).append(candidate)
    fixes = {
        word: max(options, key=lambda c: (SequenceMatcher(None, word, c).ratio(), -len(c)))
        for word, options in candidates.items()
        if word not in options
    }
    corrected = " ".join(fixes.get(w, w) for w in words)
    return corrected if corrected != " ".join(words) else ""


@contextmanager
def bounded(limit_ms: int | None = None) -> Iterator[None]:
    """Every statement inside runs for at most SEARCH_STATEMENT_TIMEOUT_MS (0: no limit); one
    that runs out is answered SearchTooBroad, never a 500 or a worker held for as long as the
    statement would take. The limit is local to a transaction of its own (a savepoint inside a
    caller's), so nothing else on the connection inherits it."""
    limit = settings.SEARCH_STATEMENT_TIMEOUT_MS if limit_ms is None else limit_ms
    if not limit:
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{limit}ms"])
            yield
    except OperationalError as exc:
        if isinstance(exc.__cause__, psycopg.errors.QueryCanceled):
            raise SearchTooBroad() from None
        raise


def search(
    params: SearchParams, *, lang: str, now: dt.datetime | None = None, load: str = "full"
) -> SearchResult:
    """Services matching `params`: one page of them and the total, in a constant number of
    queries whatever the page size. Distances are from public points only. `load` says what the
    caller shows of each hit (results.LOADS), hence what is loaded for it; "rows" loads nothing
    (the caller reads `rows`, e.g. from stored documents, services/search/documents.py).

    Raises SearchTooBroad when the search runs out of time (see `bounded`); the same search is
    then answered so at once while the result cache keeps it."""
    # Only a search of the present moment may be answered from the shared cache: one asked
    # about another moment (`now` given) is computed every time.
    cacheable = now is None and result_cache.enabled()
    now = now or timezone.now()
    key = version = cached = None
    # Reading the place is bounded by the gazetteer's indexes, not by the directory.
    origin = resolve_origin(params)
    if cacheable:
        key = result_cache.entry_key(params, origin, lang=lang, now=now)
        version, cached = result_cache.lookup(key)
    if cached is result_cache.TOO_BROAD:
        raise SearchTooBroad()
    if cached is None:
        try:
            with bounded():
                total, more, rows, corrected = _compute(params, origin, lang=lang, now=now)
        except SearchTooBroad:
            if key is not None:
                result_cache.store_too_broad(key, version)
            raise
        if key is not None and not corrected:
            result_cache.store(key, version, (total, more, rows))
    else:
        total, more, rows = cached
        corrected = ""
    hits = [] if load == "rows" else build_hits(rows, origin.point if origin else None, load)
    return SearchResult(
        hits=hits,
        total=total,
        page=params.page,
        per_page=params.per_page,
        # Pages past the deepest a search can be asked for are not offered (params.last_page).
        total_pages=max(1, min(math.ceil(total / params.per_page), last_page(params.per_page))),
        origin=origin,
        corrected_text=corrected,
        total_is_lower_bound=more,
        rows=list(rows),
    )


def _compute(
    params: SearchParams, origin: ResolvedPlace | None, *, lang: str, now: dt.datetime
) -> tuple[int, bool, list[tuple[uuid.UUID, float | None]], str]:
    """(total, more than total, [(id, metres)], the corrected words or "") from the database."""
    query = _filters(params, now)
    if origin is not None:
        _add_origin(query, params, origin)
    # Stop words and one- or two-letter words are not searched by (search/text.py).
    text = search_text(params.text)
    total, more, rows = _run(query, params, text=text, lang=lang)
    corrected = ""
    if text and total == 0:
        # Typos first ("albege"), then any of the words instead of all of them.
        corrected = correct_words(text)
        if corrected:
            total, more, rows = _run(query, params, text=corrected, lang=lang)
        if total == 0 and len((corrected or text).split()) > 1:
            corrected = " or ".join((corrected or text).split())
            total, more, rows = _run(query, params, text=corrected, lang=lang)
        if total == 0:
            corrected = ""
    return total, more, rows, corrected
