"""Writing a chunk: COPY into a temporary table, then one upsert per table in dependency order.

The upsert updates only the columns the source gave, skips unchanged rows and writes a provenance
metadata row for each row it created or changed. A chunk is one transaction; if the database
refuses it, it is retried record by record so that only the offending records are rejected.
"""

# ruff: noqa: S608 - SQL here is built from the models' own table and column names and constant
# fragments; every value from a source travels as a query parameter or through COPY.

from __future__ import annotations

import datetime as dt
import logging
import operator
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from services import phones
from services.hsds.importer import references
from services.hsds.importer.chunks import Groups, ReadChunk, Row
from services.hsds.importer.references import KNOWN_TABLES
from services.hsds.importer.refresh import REACHING
from services.hsds.importer.report import (
    database_reason,
)
from services.hsds.importer.state import ImportState, TablePlan, qn
from services.hsds.spec import TABLES
from services.models import Phone
from services.search.rows import DEFER_SETTING

logger = logging.getLogger(__name__)


# Columns that describe a write rather than the record: never compared to decide "changed".
_BOOKKEEPING = {"id", "created_at", "last_modified", "public_point"}


# The temporary tables' column numbering each row's shape, and the upsert's "created" flag.
_SHAPE = "enlace_shape"


_CREATED = "enlace_created"


def _time_prefix(now: dt.datetime) -> bytes:
    """The first 7 bytes of a version 7 UUID made at `now`: 48 bits of Unix milliseconds, then
    the version nibble (the other 4 bits zero; the rest of the id stays random)."""
    return int(now.timestamp() * 1000).to_bytes(6, "big") + b"\x70"


def write_chunk(state: ImportState, chunk: ReadChunk) -> None:
    for args in chunk.problems:
        state.problem(*args)
    rows, groups, rejected = chunk.rows, chunk.groups, chunk.rejected
    existing_ids = references.existing_ids(state, rows)
    references.check_references(state, rows, groups, rejected, existing_ids)

    valid = [row for row in rows.values() if groups.find(row.group) not in rejected]
    for row in valid:
        for field_name, reason in row.warnings:
            state.problem("warning", row.origin, row.table, row.id, field_name, reason)
    sizes: dict[int, int] = {}
    for index in range(chunk.size):
        root = groups.find(index)
        sizes[root] = sizes.get(root, 0) + 1
    state.report.rejected_records += sum(sizes[root] for root in rejected if root in sizes)
    _read_known_national_phones(state, valid)
    write(state, valid, groups, sizes)


def _read_known_national_phones(state: ImportState, rows: list[Row]) -> None:
    """A number written without + for a phone already stored is read now with the stored
    phone's owner's country, so that importing the same file again changes nothing."""
    waiting = {
        row.id: row
        for row in rows
        if row.table.name == "phones" and row.id in state.national_phones
    }
    if not waiting:
        return
    for phone in Phone.objects.filter(pk__in=list(waiting)):
        row = waiting[phone.pk]
        try:
            row.values["number"] = phones.normalise(
                row.values["number"], phones.owner_country(phone)
            )
        except ValidationError:
            continue  # read again, and reported, after the last chunk
        del state.national_phones[phone.pk]


def write(state: ImportState, rows: list[Row], groups: Groups, sizes: dict[int, int]) -> None:
    if not rows:
        return
    try:
        with transaction.atomic():
            counts, written = write_rows(state, rows)
    except DatabaseError:
        state.temp_ready.clear()
        logger.info("import chunk refused by the database, retrying record by record")
        write_by_record(state, rows, groups, sizes)
        return
    add_counts(state, counts)
    note_committed(state, written)
    remember_rows(state, rows)


def remember_rows(state: ImportState, rows: list[Row]) -> None:
    by_table: dict[str, list[uuid.UUID]] = {}
    for row in rows:
        if row.table.name in KNOWN_TABLES:
            by_table.setdefault(row.table.name, []).append(row.id)
    references.remember(state, by_table)


def write_by_record(
    state: ImportState, rows: list[Row], groups: Groups, sizes: dict[int, int]
) -> None:
    by_group: dict[int, list[Row]] = {}
    for row in rows:
        by_group.setdefault(groups.find(row.group), []).append(row)
    for root, members in by_group.items():
        try:
            with transaction.atomic():
                counts, written = write_rows(state, members)
        except DatabaseError as error:
            state.temp_ready.clear()
            culprit = members[0]
            state.problem(
                "error",
                culprit.origin,
                culprit.table,
                culprit.id,
                "",
                database_reason(error),
            )
            state.report.rejected_records += sizes.get(root, 1)
            continue
        add_counts(state, counts)
        note_committed(state, written)
        remember_rows(state, members)


def note_committed(state: ImportState, written: dict[str, list[uuid.UUID]]) -> None:
    for name, ids in written.items():
        state.committed.setdefault(name, []).extend(ids)


def add_counts(state: ImportState, counts: tuple[int, int, int]) -> None:
    created, updated, unchanged = counts
    state.report.created += created
    state.report.updated += updated
    state.report.unchanged += unchanged


def write_rows(
    state: ImportState, rows: list[Row]
) -> tuple[tuple[int, int, int], dict[str, list[uuid.UUID]]]:
    """Writes the rows; returns the counts and, by object, the ids of the rows created or
    changed that can reach a service's search columns (_REACH).

    Per table: one TRUNCATE and one COPY of all its rows into the temporary table, each row
    tagged with its shape (the columns the source gave), then one upsert per shape, which
    also writes the provenance rows and, for tables with a history, the version rows."""
    by_table: dict[str, list[Row]] = {}
    for row in rows:
        by_table.setdefault(row.table.name, []).append(row)
    created = updated = unchanged = 0
    written: dict[str, list[uuid.UUID]] = {}
    now = next_stamp(state)
    for table in TABLES:
        members = by_table.get(table.name)
        if not members:
            continue
        plan = state.plans[table.name]
        by_shape: dict[frozenset[str], list[Row]] = {}
        for row in members:
            present = frozenset(row.values) | frozenset(row.refs)
            by_shape.setdefault(present, []).append(row)
        state.written_tables.add(table.name)
        shapes: list[tuple[frozenset[str], list[Row]]] = []
        for present, shape_rows in by_shape.items():
            # PostgreSQL checks NOT NULL before it sees the conflict: a row that updates an
            # existing record without repeating its required reference carries the stored
            # one along.
            carried = [r.column for r in plan.table.refs if r.required and r.column not in present]
            shapes.append(
                (
                    present,
                    carry_stored(plan, carried, shape_rows) if carried else shape_rows,
                )
            )
        copy_rows(state, plan, shapes, now)
        with connection.cursor() as cursor:
            if table.name == "services":
                # New services get their search rows from the refresh that follows this
                # chunk (services/search/rows.py, DEFER_SETTING); SET LOCAL, and set back
                # below, so that nothing after the import in this transaction skips them.
                cursor.execute("SELECT set_config(%s, 'on', true)", [DEFER_SETTING])
            for shape, (present, _rows) in enumerate(shapes):
                changed = upsert(state, cursor, plan, present, shape, now)
                c = sum(1 for is_new in changed.values() if is_new)
                created += c
                updated += len(changed) - c
                unchanged += len(by_shape[present]) - len(changed)
                if changed and table.object_name in REACHING:
                    written.setdefault(table.object_name, []).extend(changed)
            if table.name == "services":
                cursor.execute("SELECT set_config(%s, 'off', true)", [DEFER_SETTING])
    return (created, updated, unchanged), written


def next_stamp(state: ImportState) -> dt.datetime:
    """The time written on a chunk's provenance rows, strictly later than the last one: the
    end of the run tells by it whether a service changed after its early refresh."""
    now = timezone.now()
    if state.last_stamp is not None and now <= state.last_stamp:
        now = state.last_stamp + dt.timedelta(microseconds=1)
    state.last_stamp = now
    return now


def ensure_temp(state: ImportState, plan: TablePlan) -> None:
    # Made once per import (CREATE TABLE, even IF NOT EXISTS, costs a catalogue look-up),
    # and again after a rollback: a refused chunk takes the temporary tables it made with it
    # (`temp_ready` is cleared then). Each commit empties them in place (ON COMMIT DELETE
    # ROWS); a TRUNCATE would give each one a new file and catalogue row per chunk. Inside a
    # caller's transaction nothing commits between chunks, so they are emptied before each use.
    columns = ", ".join(qn(c) for c in plan.insert_columns)
    with connection.cursor() as cursor:
        if plan.tmp not in state.temp_ready:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {qn(plan.tmp)} ON COMMIT DELETE ROWS AS "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                f"SELECT {columns}, 0 AS {_SHAPE} FROM {qn(plan.table.db_table)} "
                "WITH NO DATA"
            )
            state.temp_ready.add(plan.tmp)
        if not state.chunks_commit:
            cursor.execute(f"TRUNCATE {qn(plan.tmp)}")
    state.temp_tables.add(plan.tmp)


def copy_rows(
    state: ImportState,
    plan: TablePlan,
    shapes: list[tuple[frozenset[str], list[Row]]],
    now: dt.datetime,
) -> None:
    """One COPY of every row of the table into its temporary table, each with its shape's
    number."""
    ensure_temp(state, plan)
    columns = plan.insert_columns
    # What a column the row does not give holds: its default, or the chunk's time for the
    # two dates. Lists are handed to COPY as they are (it writes them out at once).
    base = {column: plan.defaults[column] for column in columns}
    for column in ("created_at", "last_modified"):
        if column in base:
            base[column] = now
    stamped = "last_modified" in base
    pick = operator.itemgetter(*columns, _SHAPE)
    names = ", ".join([*(qn(c) for c in columns), _SHAPE])
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {qn(plan.tmp)} ({names}) FROM STDIN") as copy,
    ):
        for shape, (_present, rows) in enumerate(shapes):
            for row in rows:
                # The row's own values win over its references, both over the defaults.
                record = {**base, **row.refs, **row.values, "id": row.id, _SHAPE: shape}
                if stamped and record["last_modified"] is None:
                    record["last_modified"] = now
                copy.write_row(pick(record))


def upsert(
    state: ImportState,
    cursor: Any,
    plan: TablePlan,
    present: frozenset[str],
    shape: int,
    now: dt.datetime,
) -> dict[uuid.UUID, bool]:
    """Writes the rows of one shape from the temporary table; returns the ids of those
    created (True) or changed (False)."""
    params: dict[str, Any] = {"shape": shape}
    if plan.table.name != "metadata":
        params.update(provenance_params(state, plan))
        params["now"] = now
        params["id_prefix"] = _time_prefix(now)
        params["reason"] = f"import run {state.run.pk}"
    key = (plan.table.name, present)
    sql = state.sql_cache.get(key)
    if sql is None:
        sql = state.sql_cache[key] = upsert_sql(state, plan, present)
    cursor.execute(sql, params)
    return dict(cursor.fetchall())


def carry_stored(plan: TablePlan, columns: list[str], rows: list[Row]) -> list[Row]:
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {names} FROM {qn(plan.table.db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
            [[row.id for row in rows]],
        )
        stored = {r[0]: r[1:] for r in cursor.fetchall()}
    carried = []
    for row in rows:
        if row.id in stored:
            refs = dict(row.refs)
            refs.update(zip(columns, stored[row.id], strict=True))
            carried.append(Row(row.table, row.raw, row.origin, row.group, row.id, row.values, refs))
    return carried


def upsert_sql(state: ImportState, plan: TablePlan, present: frozenset[str]) -> str:
    table = qn(plan.table.db_table)
    tmp = qn(plan.tmp)
    columns = plan.insert_columns
    select = [qn(c) for c in columns]
    insert = list(select)
    changed = sorted(c for c in present if c in plan.fields and c not in _BOOKKEEPING)
    sets = [f"{qn(c)} = EXCLUDED.{qn(c)}" for c in changed]
    if plan.is_location:
        # Nothing an import says makes a confidential location public again: only a steward
        # may do that, in the admin.
        sets = [s for s in sets if not s.startswith(qn("is_confidential"))]
        if "is_confidential" in present:
            sets.append(
                f"{qn('is_confidential')} = t.{qn('is_confidential')} "
                f"OR EXCLUDED.{qn('is_confidential')}"
            )
        point = "EXCLUDED.point" if "point" in present else "t.point"
        secret = (
            "(t.is_confidential OR EXCLUDED.is_confidential)"
            if "is_confidential" in present
            else "t.is_confidential"
        )
        insert.append(qn("public_point"))
        # The same grid as services/confidential.py, in SQL (services/search/index.py).
        select.append("enlace_public_point(point, is_confidential)")
        sets.append(f"public_point = enlace_public_point({point}, {secret})")
    sets.append(f"{qn('last_modified')} = EXCLUDED.{qn('last_modified')}")
    geometry = {"point", "area", "public_point"}

    def compared(prefix: str, column: str) -> str:
        ref = f"{prefix}.{qn(column)}"
        return f"{ref}::text" if column in geometry else ref

    if changed:
        old = ", ".join(compared("t", c) for c in changed)
        new = ", ".join(compared("EXCLUDED", c) for c in changed)
        where = f"WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
    else:
        where = "WHERE false"
    history = getattr(plan.table.model, "history", None)
    versioned: list[str] = []
    if history is not None and plan.table.name != "metadata":
        versioned = [
            f.column
            for f in history.model._meta.concrete_fields
            if not f.name.startswith("history_")
        ]
    # The version rows copy the row as written: RETURNING hands it over (the upsert is
    # SQL, so simple_history's signals never see it).
    returned = "".join(f", t.{qn(c)}" for c in versioned if c != "id")
    upsert = (
        f"INSERT INTO {table} AS t ({', '.join(insert)}) "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
        f"SELECT {', '.join(select)} FROM {tmp} WHERE {_SHAPE} = %(shape)s "
        f"ON CONFLICT (id) DO UPDATE SET {', '.join(sets)} {where} "
        f"RETURNING t.id, (t.xmax = 0) AS {_CREATED}{returned}"
    )
    if plan.table.name == "metadata":
        return upsert
    if versioned:
        names = ", ".join(qn(c) for c in versioned)
        history_sql = (
            f", history AS (INSERT INTO {qn(history.model._meta.db_table)} ({names}, "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
            "history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {names}, %(now)s, %(reason)s, "
            f"CASE WHEN {_CREATED} THEN '+' ELSE '~' END, NULL FROM written)"
        )
    else:
        history_sql = ""
    # Every identifier above comes from the model's metadata, never from the source.
    # Provenance ids start with the chunk's time (a version 7 UUID's layout): each chunk's
    # rows append to the right end of the primary key's index instead of landing on random
    # pages of it.
    return (
        f"WITH written AS ({upsert}), provenance AS ("  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
        "INSERT INTO services_metadata (id, created_at, last_modified, resource_id, "
        "resource_type, last_action_date, last_action_type, field_name, previous_value, "
        "replacement_value, updated_by, source, import_run_id) "
        "SELECT encode(overlay(uuid_send(gen_random_uuid()) PLACING %(id_prefix)s "
        "FROM 1 FOR 7), 'hex')::uuid, %(now)s, %(now)s, id, %(object)s, %(now)s, "
        f"CASE WHEN {_CREATED} THEN 'create' ELSE 'update' END, '', '', '', %(by)s, "
        f"%(source)s, %(run)s FROM written){history_sql} "
        f"SELECT id, {_CREATED} FROM written"
    )


def provenance_params(state: ImportState, plan: TablePlan) -> dict[str, Any]:
    return {
        "object": plan.table.object_name,
        "by": state.updated_by[:200],
        "source": state.run.source[:200],
        "run": state.run.pk,
    }


def drop_temp_tables(state: ImportState) -> None:
    if not state.temp_tables:
        return
    try:
        with connection.cursor() as cursor:
            for name in state.temp_tables:
                cursor.execute(f"DROP TABLE IF EXISTS {qn(name)}")
    except DatabaseError:
        # Inside a broken transaction (a test); the session's end drops them anyway.
        pass
