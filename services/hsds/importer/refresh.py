"""Keeping search true after an import: statistics, and the search columns of every service the
run reached.

`Refresher` computes each committed chunk's services on a connection of its own while the
writer writes the next chunk; `refresh_search` does at the end whatever it did not.
"""

# ruff: noqa: S608 - SQL here is built from the models' own table and column names and constant
# fragments; every value from a source travels as a query parameter or through COPY.

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import DatabaseError, connection, transaction

from services.hsds.importer.state import ImportState
from services.hsds.spec import BY_NAME
from services.search.index import refresh_services

logger = logging.getLogger(__name__)


_AT_LOCATION = "JOIN services_serviceatlocation sal ON sal.location_id = x.location_id"


_AT_SAL = "JOIN services_serviceatlocation sal ON sal.id = x.service_at_location_id"


# How a written row reaches the services whose search columns it feeds: (its object, the table
# it is read from as x, joined how, the service id, the column its id is matched on).
_REACH: tuple[tuple[str, str, str, str, str], ...] = (
    ("service", "services_service", "", "x.id", "x.id"),
    ("organization", "services_service", "", "x.id", "x.organization_id"),
    ("service_at_location", "services_serviceatlocation", "", "x.service_id", "x.id"),
    ("location", "services_serviceatlocation", "", "x.service_id", "x.location_id"),
    ("taxonomy_term", "services_attribute", "", "x.link_id", "x.taxonomy_term_id"),
    ("attribute", "services_attribute", "", "x.link_id", "x.id"),
    *(
        (name, table, "", "x.service_id", "x.id")
        for table, name in (
            ("services_phone", "phone"),
            ("services_language", "language"),
            ("services_schedule", "schedule"),
            ("services_servicearea", "service_area"),
            ("services_costoption", "cost_option"),
            ("services_requireddocument", "required_document"),
            ("services_contact", "contact"),
            ("services_funding", "funding"),
        )
    ),
    *(
        (name, table, _AT_LOCATION, "sal.service_id", "x.id")
        for table, name in (
            ("services_language", "language"),
            ("services_schedule", "schedule"),
            ("services_accessibility", "accessibility"),
            ("services_phone", "phone"),
        )
    ),
    ("schedule", "services_schedule", _AT_SAL, "sal.service_id", "x.id"),
)


REACHING = frozenset(name for name, *_ in _REACH)


# Each service the run reached, with the time of the latest provenance entry that reached it.
_TOUCHED_BY_RUN = (
    "WITH md AS MATERIALIZED (SELECT resource_id AS id, resource_type AS t, created_at AS at "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
    "FROM services_metadata WHERE import_run_id = %(run)s) "
    "SELECT s.id, u.at FROM services_service s JOIN (SELECT id, max(at) AS at FROM ("
    + " UNION ALL ".join(
        f"SELECT {service}, md.at FROM {table} x {join} JOIN md ON md.t = '{name}' "  # nosec B608 — constant table and column names from _REACH, no values
        f"AND {key} = md.id"
        for name, table, join, service, key in _REACH
    )
    + ") AS v(id, at) GROUP BY id) AS u ON u.id = s.id"
)


def _reached_sql(names: Iterable[str]) -> str:
    """The services reached by the rows whose ids are given per object (%(<object>)s): each
    branch looks its ids up through an index, so a chunk's few thousand rows cost milliseconds
    whatever the directory's size."""
    branches = [
        f"SELECT {service} FROM {table} x {join} WHERE {key} = ANY(%({name})s::uuid[])"  # nosec B608 — constant table and column names only, no values
        for name, table, join, service, key in _REACH
        if name in names
    ]
    return (
        "SELECT s.id FROM services_service s WHERE s.id = ANY(ARRAY("  # nosec B608 — constant table and column names only, no values
        + " UNION ".join(branches)
        + "))"
    )


class Refresher:
    """Computes the search columns of each committed chunk's services on a connection of its
    own, while the writer writes the next chunk: the writer's and the refresher's PostgreSQL
    backends then use both cores, where the refresh at the end used one while Python waited
    Best effort: a service it did not do, or that a later chunk
    changed, is refreshed at the end as before (`refresh_search`)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hsds-refresh")
        self._pending: list[Future[None]] = []
        self._open = True
        # Service id -> the provenance time of the last chunk committed before its refresh.
        self.done: dict[uuid.UUID, dt.datetime] = {}
        # Every job submitted so far refreshed all the services its rows reached.
        self.complete = True

    def submit(self, written: dict[str, list[uuid.UUID]], stamp: dt.datetime | None) -> None:
        if stamp is not None:
            self._pending.append(self._pool.submit(self._refresh, written, stamp))

    def _refresh(self, written: dict[str, list[uuid.UUID]], stamp: dt.datetime) -> None:
        """Refreshes every service that the rows of a committed chunk reach: its own services,
        and those reached through a location, organisation, term... written in it. The chunk
        committed before this runs, so the links it wrote are visible here; a link written
        later reaches its service in its own chunk's job."""
        try:
            if connection.connection is None:
                with connection.cursor() as cursor:
                    # This connection only ever recomputes what a re-import would recompute.
                    cursor.execute("SET synchronous_commit TO off")
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(_reached_sql(written), written)
                    ids = [r[0] for r in cursor.fetchall()]
                refresh_services(ids, documents=False)
        except DatabaseError:
            # A lock conflict with the writer, say: the end of the run finds these services
            # from the run's provenance and refreshes them.
            logger.info("early search refresh of a chunk failed; left to the end")
            self.complete = False
            return
        for service_id in ids:
            self.done[service_id] = stamp

    @staticmethod
    def _close() -> None:
        connection.close()

    def finish(self) -> None:
        """Waits for the queued refreshes and closes the refresher's connection."""
        if not self._open:
            return
        self._open = False
        for future in self._pending:
            future.result()
        self._pool.submit(self._close).result()
        self._pool.shutdown()


def relax_commit() -> bool:
    """Each chunk's commit returns without waiting for its WAL to reach the disk: a crash
    can lose the last chunks, never half of one, and a re-import writes them again (the
    import is idempotent). This session only; the server's setting is untouched."""
    if connection.in_atomic_block:
        return False  # inside a caller's transaction (tests, a larger unit of work): its rules
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    return True


def analyze(state: ImportState) -> None:
    """Fresh planner statistics for what this run wrote. A first import into an empty
    directory leaves tables that the planner still thinks empty, and the end of the import
    (finding the services it touched) then chose nested loops over sequential scans. ANALYZE
    reads a sample, a second or two a table. The application's role owns no table, so it asks
    the owner's `enlace_analyze` (a plain ANALYZE would be skipped with a warning)."""
    if not state.written_tables or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for name in sorted(state.written_tables | {"metadata"}):
            cursor.execute("SELECT enlace_analyze(%s::regclass)", [BY_NAME[name].db_table])


def refresh_search(state: ImportState, refresher: Refresher | None, batch: int = 20_000) -> None:
    """Recomputes the search columns of every service this run changed, directly or through
    a location, link, phone, language, schedule, area, tag or organisation: found from the
    run's provenance entries in one query, each service once. A service the refresher
    already did is skipped unless a provenance entry that reaches it is later than the
    chunk it was refreshed after (its location, say, came in a later chunk).

    When the refresher did every committed chunk, that query is not needed: each chunk's
    job refreshed every service the chunk's rows reached, after the chunk committed, so
    only what `references.resolve_deferred` changed is left (the query read every provenance row of
    the run, which grows with the directory)."""
    if refresher is None or not refresher.complete:
        early = refresher.done if refresher else {}
        with connection.cursor() as cursor:
            cursor.execute(_TOUCHED_BY_RUN, {"run": state.run.pk})
            for service_id, last_written in cursor.fetchall():
                stamp = early.get(service_id)
                if stamp is None or last_written > stamp:
                    state.touched.add(service_id)
    ids = sorted(state.touched)
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            refresh_services(ids[start : start + batch], documents=False)
    state.touched.clear()
