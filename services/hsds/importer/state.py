"""What the steps of one import share: its settings, its plans per table, and what it learnt so far.

One `ImportState` per run, made by `Importer` and handed to each step (reader, references,
writer, refresh). Only the writer's thread touches the database-side sets; the reader thread
reads `plans`, `regions` and the languages, which do not change during a run.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED

from services.hsds import values as v
from services.hsds.importer.chunks import Deferred
from services.hsds.importer.report import MAX_STORED_PROBLEMS, ImportReport, Problem
from services.hsds.sources import Origin, Source
from services.hsds.spec import TABLES, Table, content_languages
from services.models import ImportRun, Region


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


class TablePlan:
    """Everything needed to read rows of one table and write them."""

    def __init__(self, table: Table):
        self.table = table
        model = table.model
        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        self.converters = {
            name: v.converter_for(f)
            for name, f in self.fields.items()
            if name in table.all_columns and not f.is_relation and name != "area"
        }
        self.insert_columns = [name for name in self.fields if name != "public_point"]
        self.defaults: dict[str, Any] = {}
        for name, f in self.fields.items():
            if f.has_default():
                default = f.get_default()
            elif f.null:
                default = None
            elif f.empty_strings_allowed:
                default = ""
            else:
                default = None
            self.defaults[name] = default
        self.required = [
            name
            for name, f in self.fields.items()
            if not f.blank
            and f.default is NOT_PROVIDED
            and not f.null
            and not f.is_relation
            and name in table.all_columns
            and name != "id"
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]
        self.is_location = model._meta.model_name == "location"
        self.tmp = f"enlace_import_{table.db_table}"
        # Looked up for every key of every row read: sets, made once.
        self.all_columns = frozenset(table.all_columns)
        self.translated = frozenset(table.translated)
        self.has_content_language = table.has_content_language
        self.required_set = frozenset(self.required)
        self.not_null = frozenset(name for name, f in self.fields.items() if not f.null)


@dataclass
class ImportState:
    """One run's shared state. The caller's settings first, then what the steps learn."""

    source: Source
    run: ImportRun
    language: str
    updated_by: str
    # The country a phone number without + is read in ("" : such a number is refused).
    country: str = ""
    on_progress: Callable[[int, ImportReport], None] | None = None
    on_problem: Callable[[Problem], None] | None = None
    report: ImportReport = field(default_factory=ImportReport)
    # Read once: the settings object is a lazy proxy, and the reader asks for each row.
    languages: list[str] = field(default_factory=content_languages)
    plans: dict[str, TablePlan] = field(
        default_factory=lambda: {table.name: TablePlan(table) for table in TABLES}
    )
    regions: dict[str, int] = field(
        default_factory=lambda: dict(Region.objects.values_list("code", "id"))
    )
    # Optional references that point forward, set after the last chunk.
    deferred: list[Deferred] = field(default_factory=list)
    # Services whose search columns the import changed, refreshed once at the end: a service
    # touched by ten tables is recomputed once, not ten times.
    touched: set[uuid.UUID] = field(default_factory=set)
    unknown_keys: set[tuple[str, str, str]] = field(default_factory=set)
    # Phones written without + (and no country given): read after the last chunk.
    national_phones: dict[uuid.UUID, Any] = field(default_factory=dict)
    temp_tables: set[str] = field(default_factory=set)
    schedule_verdicts: dict[tuple[Any, ...], str | None] = field(default_factory=dict)
    written_tables: set[str] = field(default_factory=set)
    # Temporary tables known to exist: made in a transaction that committed. Forgotten on
    # every rollback (a refused chunk takes the tables it made with it).
    temp_ready: set[str] = field(default_factory=set)
    sql_cache: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)
    # Ids known to be in the directory, by table (references.remember).
    known: dict[str, set[uuid.UUID]] = field(default_factory=dict)
    known_count: int = 0
    # Each chunk is a transaction of its own (not inside a caller's).
    chunks_commit: bool = False
    last_stamp: dt.datetime | None = None
    # Ids of the rows that reach services (refresh.REACH), by object, written by the chunks
    # committed so far and not yet handed to the refresher.
    committed: dict[str, list[uuid.UUID]] = field(default_factory=dict)

    def problem(
        self,
        level: str,
        origin: Origin,
        table: Table | None,
        record_id: Any,
        field_name: str,
        reason: str,
    ) -> None:
        """Counts a problem, keeps the first MAX_STORED_PROBLEMS and passes each to on_problem."""
        found = Problem(
            level,
            origin.file,
            origin.row,
            table.object_name if table else "",
            str(record_id or ""),
            field_name,
            str(reason),
        )
        if level == "error":
            self.report.error_count += 1
        else:
            self.report.warning_count += 1
        if len(self.report.problems) < MAX_STORED_PROBLEMS:
            self.report.problems.append(found)
        if self.on_problem:
            self.on_problem(found)
