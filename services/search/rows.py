"""The narrow search table: one small row per service with only what search filters and sorts
on, so that a filter's matches are read and sorted without walking the wide service rows.

`services_searchrow` copies columns of `services_service` (same names, so query.py's SQL
fragments read either table) plus the two name sort keys. Statement-level triggers with
transition tables keep it in step: one INSERT ... ON CONFLICT per statement, so COPY, imports
and `enlace_refresh_services()` over 1,000,000 rows stay set-based. Deleting a service deletes
its row (foreign key ON DELETE CASCADE). Positions are the service's PUBLIC points only
(`search_points`, services/search/index.py): the exact point of a confidential location never
reaches this table.
"""
# SQL from constant column names only, no values: hence the file-wide S608 exemption.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import uuid

# Copied as they are, in this order (services/models/search_rows.py names each one).
COPIED = (
    "id",
    "status",
    "created_at",
    "last_verified_at",
    "last_modified",
    "organization_id",
    "is_free",
    "no_id_required",
    "immigration_status_not_asked",
    "open_24_7",
    "is_accessible",
    "trafficking_specialised",
    "capacity_available",
    "capacity_updated_at",
    "term_ids",
    "region_ids",
    "area_region_ids",
    "language_codes",
    "populations",
    "open_week",
    "time_zone",
    "search_points",
)
# The orderings query.py offers by name, per language (same values as the expression indexes
# on services_service).
SORT_KEYS = {
    "sort_es": "lower(coalesce({t}.name_es, {t}.name))",
    "sort_en": "lower(coalesce({t}.name_en, {t}.name_es, {t}.name))",
}
COLUMNS = (*COPIED, *SORT_KEYS)


def select_from(table: str) -> str:
    """SELECT list computing a search row from rows of services_service aliased `table`."""
    return ", ".join(
        [f"{table}.{c}" for c in COPIED] + [expr.format(t=table) for expr in SORT_KEYS.values()]
    )


def _upsert(source: str, alias: str) -> str:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "id")
    # geography's "=" compares bounding boxes only: points are compared by their bytes.
    plain = [c for c in COLUMNS if c not in ("id", "search_points")]
    changed = (
        f"({', '.join('r.' + c for c in plain)}) IS DISTINCT FROM"
        f" ({', '.join('EXCLUDED.' + c for c in plain)})"
        " OR ST_AsBinary(r.search_points) IS DISTINCT FROM ST_AsBinary(EXCLUDED.search_points)"
    )
    return (
        f"INSERT INTO services_searchrow AS r ({', '.join(COLUMNS)})"  # nosec B608 — constant column names only, no values
        f" SELECT {select_from(alias)} FROM {source} AS {alias}"
        f" ON CONFLICT (id) DO UPDATE SET {updates} WHERE {changed}"
    )


# generate_directory runs this with triggers off (replica role): it fills the term rows too.
ROWS_FILL_SQL = _upsert("services_service", "s") + ";"

TRIGGER_SQL = f"""
ALTER TABLE services_searchrow ADD COLUMN open_week int4multirange NOT NULL
    DEFAULT '{{}}'::int4multirange;
ALTER TABLE services_searchrow ADD CONSTRAINT searchrow_service_fk FOREIGN KEY (id)
    REFERENCES services_service (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- Search splits fresh from stale listings by this expression (querysets.FRESHNESS_SQL); without
-- its statistics PostgreSQL guesses a fraction of a percent are stale and sorts a whole radius
-- instead of walking the GiST index in distance order.
CREATE STATISTICS searchrow_freshness_stats ON (coalesce(last_verified_at, created_at))
    FROM services_searchrow;

CREATE OR REPLACE FUNCTION enlace_sync_search_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_upsert("new_rows", "n")};
    RETURN NULL;
END
$$;

CREATE TRIGGER service_search_rows_insert AFTER INSERT ON services_service
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enlace_sync_search_rows();
CREATE TRIGGER service_search_rows_update AFTER UPDATE ON services_service
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enlace_sync_search_rows();
"""

# The same function, except that an import's own INSERTs of new services leave their search rows
# to the refresh that follows them (migration 0011). A new service's search row would otherwise be
# written from its empty search columns, then rewritten by the refresh that computes them: the
# first write bought nothing but index entries and dead tuples. The
# importer sets DEFER_SETTING with SET LOCAL inside each chunk's transaction only, and refreshes
# every service it created; updates of existing services always keep their rows in step (a
# status change must reach search at the commit that makes it).
DEFER_SETTING = "enlace.defer_new_search_rows"
SYNC_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION enlace_sync_search_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('{DEFER_SETTING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    {_upsert("new_rows", "n")};
    RETURN NULL;
END
$$;
"""
# What migration 0008 installed.
SYNC_FUNCTION_REVERSE = f"""
CREATE OR REPLACE FUNCTION enlace_sync_search_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_upsert("new_rows", "n")};
    RETURN NULL;
END
$$;
"""

TRIGGER_REVERSE = """
DROP TRIGGER IF EXISTS service_search_rows_update ON services_service;
DROP TRIGGER IF EXISTS service_search_rows_insert ON services_service;
DROP FUNCTION IF EXISTS enlace_sync_search_rows();
DROP STATISTICS IF EXISTS searchrow_freshness_stats;
"""


# --- the name order per filter value ("facet") ---------------------------------------------------
# A filter with many matches (more than search.SORT_ALL_UPTO) in name order walked the whole name
# index and tested each row: when a term's listings sort late ("asesoría legal …"), most of the
# index was skipped before a page matched. services_searchfacet holds one row per (facet, service) with the service's name sort keys, B-tree indexed on
# (facet, sort key, id): a filter reads its listings already in name order and tests the other
# filters on those only. A facet is a uuid: a term's own id (the service's own terms,
# the search row's term_ids, exactly what `term_ids && …` matches), or for a language or a population
# the md5 of "language:pt" / "population:lgbtq" (facet_id() in Python, the same in SQL). Each row
# also carries what every search tests (active, the freshness date, the yes/no filters)
# in the index itself, so that the walk skips listings that fail those without reading their
# search row (a rare language that must also be open day and night read thousands of search rows
# before a page matched).
# Kept from services_searchrow by statement-level triggers (one DELETE and one INSERT per
# statement, whatever the number of rows); deleted with it (ON DELETE CASCADE).
FACET_ROWS = "services_searchfacet"
FACETS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION enlace_search_facets(terms uuid[], languages varchar[],
                                                populations varchar[]) RETURNS uuid[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT f), '{}') FROM (
        SELECT unnest(terms) AS f
        UNION ALL SELECT md5('language:' || c)::uuid FROM unnest(languages) AS c
        UNION ALL SELECT md5('population:' || p)::uuid FROM unnest(populations) AS p) AS x
$$;
"""


def facet_id(kind: str, value: str) -> uuid.UUID:
    """The facet of a language or a population, as enlace_search_facets() computes it."""
    return uuid.UUID(hashlib.md5(f"{kind}:{value}".encode(), usedforsecurity=False).hexdigest())


# Besides facet and id: what the row copies, and how from a search row aliased {a}. The yes/no
# filters are booleans of their own (not bits of one integer): PostgreSQL keeps statistics of
# each, and a test it cannot estimate made it hash the whole walk instead of merging it in order.
FLAG_COLUMNS = (
    "is_free",
    "no_id_required",
    "immigration_status_not_asked",
    "open_24_7",
    "is_accessible",
    "trafficking_specialised",
)
FACET_COPIES = {
    "sort_es": "{a}.sort_es",
    "sort_en": "{a}.sort_en",
    "active": "({a}.status = 'active')",
    "fresh_at": "coalesce({a}.last_verified_at, {a}.created_at)",
    **{c: f"{{a}}.{c}" for c in FLAG_COLUMNS},
}
_FACET_COLUMNS = ", ".join(["facet", "id", *FACET_COPIES])
_FACET_ROWS_OF = (
    "SELECT x.facet, {a}.id, "  # nosec B608 — constant names only, no values
    + ", ".join(FACET_COPIES.values())
    + " FROM {source} AS {a} CROSS JOIN LATERAL"
    " unnest(enlace_search_facets({a}.term_ids, {a}.language_codes, {a}.populations)) AS x(facet)"
)
FACET_FILL_SQL = (
    f"INSERT INTO {FACET_ROWS} ({_FACET_COLUMNS}) "  # nosec B608 — constant names only
    + _FACET_ROWS_OF.format(a="r", source="services_searchrow")
    + " ON CONFLICT (facet, id) DO NOTHING;"
)

FACET_TRIGGER_SQL = f"""
ALTER TABLE {FACET_ROWS} ADD CONSTRAINT searchfacet_row_fk FOREIGN KEY (id)
    REFERENCES services_searchrow (id) ON DELETE CASCADE ON UPDATE CASCADE;

CREATE OR REPLACE FUNCTION enlace_sync_search_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A row whose facet was removed or whose copies changed goes; the insert below puts back
    -- the current ones (unchanged rows conflict and stay as they are).
    DELETE FROM {FACET_ROWS} t USING new_rows n
    WHERE t.id = n.id
      AND (t.facet <> ALL(enlace_search_facets(n.term_ids, n.language_codes, n.populations))
           OR ({", ".join("t." + c for c in FACET_COPIES)})
              IS DISTINCT FROM ({", ".join(v.format(a="n") for v in FACET_COPIES.values())}));
    INSERT INTO {FACET_ROWS} ({_FACET_COLUMNS})
    {_FACET_ROWS_OF.format(a="n", source="new_rows")}
    ON CONFLICT (facet, id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_row_facets_insert AFTER INSERT ON services_searchrow
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enlace_sync_search_facets();
CREATE TRIGGER search_row_facets_update AFTER UPDATE ON services_searchrow
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enlace_sync_search_facets();

-- Two cores serve eight searches at once: a parallel plan only adds its workers' start-up.
ALTER TABLE services_searchrow SET (parallel_workers = 0);
ALTER TABLE {FACET_ROWS} SET (parallel_workers = 0);
"""  # nosec B608 — constant table and column names only, no values

FACET_TRIGGER_REVERSE = """
ALTER TABLE services_searchrow RESET (parallel_workers);
DROP TRIGGER IF EXISTS search_row_facets_update ON services_searchrow;
DROP TRIGGER IF EXISTS search_row_facets_insert ON services_searchrow;
DROP FUNCTION IF EXISTS enlace_sync_search_facets();
"""


FILL_SQL = ROWS_FILL_SQL + "\n" + FACET_FILL_SQL
