"""References between rows: resolved against the chunk and the database, remembered once seen.

A required reference to something that exists nowhere rejects its record; an optional one is
dropped with a warning, or, when it may point forward (a later file or chunk), set after the last
chunk by `resolve_deferred`.
"""

# ruff: noqa: S608 - SQL here is built from the models' own table and column names and constant
# fragments; every value from a source travels as a query parameter or through COPY.

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from services.hsds.importer.chunks import Deferred, Groups, Row
from services.hsds.importer.state import ImportState, qn
from services.hsds.spec import BY_NAME, Table

# Tables whose ids the writer remembers once seen in the directory (`remember`): the
# ones other records name across chunks, not the services' own nested rows. At most this many
# ids (~100 bytes each).
KNOWN_TABLES = frozenset({"organizations", "locations", "taxonomy_terms", "taxonomies", "programs"})


_KNOWN_MAX = 2_000_000


def _dangling(target: Table) -> str:
    return _(
        "the %(object)s it refers to is neither in the import nor in the directory; left empty"
    ) % {"object": target.object_name}


def existing_ids(state: ImportState, rows: dict[tuple[str, Any], Row]) -> dict[str, set[uuid.UUID]]:
    """Which of the ids the chunk's checks need are in the directory. A reference to a row
    of this chunk is not asked here (a document's phones name its service): only if that
    row is refused does the answer matter, and `_check_references` asks then."""
    wanted: dict[str, set[uuid.UUID]] = {}
    known: dict[str, set[uuid.UUID]] = {}
    for row in rows.values():
        lacks_ref = any(r.required and r.column not in row.refs for r in row.table.refs)
        if row.missing_required or lacks_ref:
            wanted.setdefault(row.table.name, set()).add(row.id)
        for column, target in row.refs.items():
            if target is not None:
                name = row.table.ref_by_column[column].table
                if (name, target) in rows:
                    continue
                if target in state.known.get(name, ()):
                    known.setdefault(name, set()).add(target)
                else:
                    wanted.setdefault(name, set()).add(target)
    found = look_up(wanted)
    remember(state, {name: ids for name, ids in found.items() if name in KNOWN_TABLES})
    for name, ids in known.items():
        found.setdefault(name, set()).update(ids)
    return found


def remember(state: ImportState, ids_by_table: dict[str, Iterable[uuid.UUID]]) -> None:
    """Keeps the ids of organisations, locations, terms... that are in the directory:
    written by a chunk of this import that committed, or found there. Services name the
    same ones chunk after chunk (a term in every chunk, the locations and organisations
    of the files read first), so looking them up again each chunk was much of the writer's
    path on a big import. The foreign keys still check at commit:
    one deleted meanwhile refuses its chunk, retried record by record."""
    for name, ids in ids_by_table.items():
        if state.known_count >= _KNOWN_MAX:
            return
        known = state.known.setdefault(name, set())
        before = len(known)
        known.update(ids)
        state.known_count += len(known) - before


def look_up(wanted: dict[str, set[uuid.UUID]]) -> dict[str, set[uuid.UUID]]:
    found: dict[str, set[uuid.UUID]] = {}
    with connection.cursor() as cursor:
        for name, ids in wanted.items():
            cursor.execute(
                f"SELECT id FROM {qn(BY_NAME[name].db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                [list(ids)],
            )
            found[name] = {r[0] for r in cursor.fetchall()}
    return found


def check_references(
    state: ImportState,
    rows: dict[tuple[str, Any], Row],
    groups: Groups,
    rejected: set[int],
    existing: dict[str, set[uuid.UUID]],
) -> None:
    def ok(row: Row) -> bool:
        return groups.find(row.group) not in rejected

    asked: set[tuple[str, uuid.UUID]] = set()
    changed = True
    while changed:
        changed = False
        in_chunk: dict[str, set[uuid.UUID]] = {}
        for row in rows.values():
            if ok(row):
                in_chunk.setdefault(row.table.name, set()).add(row.id)
        if rejected:
            look_up_refused_targets(state, rows, ok, in_chunk, existing, asked)
        for row in rows.values():
            if not ok(row):
                continue
            reason = reference_problem(row, in_chunk, existing)
            if reason:
                field_name, message = reason
                state.problem("error", row.origin, row.table, row.id, field_name, message)
                rejected.add(groups.find(row.group))
                changed = True
    # Final pass over the rows that stay: optional references not resolved yet.
    for row in rows.values():
        if not ok(row):
            continue
        for column, target in list(row.refs.items()):
            if target is None:
                continue
            ref = row.table.ref_by_column[column]
            known = target in in_chunk.get(ref.table, ()) or target in existing.get(ref.table, ())
            if known:
                continue
            # It may come later in the source (another file, a later chunk, or the row's own
            # parent further down): left as it is now and set after the last chunk.
            state.deferred.append(
                Deferred(row.table, row.id, column, ref.table, target, row.origin)
            )
            del row.refs[column]


def look_up_refused_targets(
    state: ImportState,
    rows: dict[tuple[str, Any], Row],
    ok: Callable[[Row], bool],
    in_chunk: dict[str, set[uuid.UUID]],
    existing: dict[str, set[uuid.UUID]],
    asked: set[tuple[str, uuid.UUID]],
) -> None:
    """Asks the directory for the rows of this chunk that were refused and that the rows
    still standing refer to (`_existing_ids` left them out): one there already satisfies
    the reference."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for row in rows.values():
        if not ok(row):
            continue
        for column, target in row.refs.items():
            if target is None:
                continue
            name = row.table.ref_by_column[column].table
            key = (name, target)
            if (
                key in rows
                and key not in asked
                and target not in in_chunk.get(name, ())
                and target not in existing.get(name, ())
            ):
                asked.add(key)
                wanted.setdefault(name, set()).add(target)
    for name, ids in look_up(wanted).items():
        existing.setdefault(name, set()).update(ids)


def reference_problem(
    row: Row, in_chunk: dict[str, set[uuid.UUID]], existing: dict[str, set[uuid.UUID]]
) -> tuple[str, str] | None:
    if row.missing_required and row.id not in existing.get(row.table.name, ()):
        return row.missing_required[0], _("is required")
    for ref in row.table.refs:
        target = row.refs.get(ref.column)
        if not ref.required:
            continue
        if target is None:
            if ref.column in row.refs or row.id not in existing.get(row.table.name, ()):
                return ref.column, _("is required")
            continue
        if target not in in_chunk.get(ref.table, ()) and target not in existing.get(ref.table, ()):
            return ref.column, _(
                "the %(object)s it refers to is neither in the import (or it was rejected) "
                "nor in the directory"
            ) % {"object": BY_NAME[ref.table].object_name}
    return None


def resolve_deferred(state: ImportState) -> None:
    """Sets the optional references that pointed forward (to a later file or chunk), now that
    everything is written; those whose target never came are reported and stay empty."""
    if not state.deferred:
        return
    by_column: dict[tuple[str, str], list[Deferred]] = {}
    wanted: dict[str, set[uuid.UUID]] = {}
    for item in state.deferred:
        by_column.setdefault((item.table.name, item.column), []).append(item)
        wanted.setdefault(item.table.name, set()).add(item.row_id)
        wanted.setdefault(item.target_table, set()).add(item.target)
    found: dict[str, set[uuid.UUID]] = {}
    touched: set[uuid.UUID] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for name, ids in wanted.items():
            cursor.execute(
                f"SELECT id FROM {qn(BY_NAME[name].db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                [list(ids)],
            )
            found[name] = {r[0] for r in cursor.fetchall()}
        for (name, column), items in by_column.items():
            table = BY_NAME[name]
            ids, targets = [], []
            for item in items:
                if item.row_id not in found[name]:
                    continue
                if item.target not in found[item.target_table]:
                    state.problem(
                        "warning",
                        item.origin,
                        table,
                        item.row_id,
                        column,
                        _dangling(BY_NAME[item.target_table]),
                    )
                    continue
                ids.append(item.row_id)
                targets.append(item.target)
            if not ids:
                continue
            cursor.execute(
                f"UPDATE {qn(table.db_table)} AS t SET {qn(column)} = u.target "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                "FROM unnest(%s::uuid[], %s::uuid[]) AS u(id, target) "
                f"WHERE t.id = u.id AND t.{qn(column)} IS DISTINCT FROM u.target",
                [ids, targets],
            )
            if column == "service_id":
                touched.update(targets)
            elif column in ("location_id", "service_at_location_id"):
                cursor.execute(
                    "SELECT service_id FROM services_serviceatlocation "
                    "WHERE location_id = ANY(%s) OR id = ANY(%s)",
                    [targets, targets],
                )
                touched.update(r[0] for r in cursor.fetchall())
        state.touched.update(touched)
