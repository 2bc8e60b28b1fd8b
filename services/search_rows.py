"""The narrow search table: one ~400-byte row per service with only what search filters and
sorts on, so that a filter's matches are read and sorted without walking 2.3 KB service rows
(bench/README.md, findings 4 and 8).

`services_searchrow` copies columns of `services_service` (same names, so search.py's SQL
fragments read either table) plus the two name sort keys. Statement-level triggers with
transition tables keep it in step: one INSERT ... ON CONFLICT per statement, so COPY, imports
and `enlace_refresh_services()` over 1,000,000 rows stay set-based. Deleting a service deletes
its row (foreign key ON DELETE CASCADE). Positions are the service's PUBLIC points only
(`search_points`, services/search_index.py): the exact point of a confidential location never
reaches this table.
"""
# SQL from constant column names only, no values: hence the file-wide S608 exemption.
# ruff: noqa: S608

from __future__ import annotations

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
# The orderings search.py offers by name, per language (same values as the expression indexes
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


FILL_SQL = _upsert("services_service", "s") + ";"

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

TRIGGER_REVERSE = """
DROP TRIGGER IF EXISTS service_search_rows_update ON services_service;
DROP TRIGGER IF EXISTS service_search_rows_insert ON services_service;
DROP FUNCTION IF EXISTS enlace_sync_search_rows();
DROP STATISTICS IF EXISTS searchrow_freshness_stats;
"""
