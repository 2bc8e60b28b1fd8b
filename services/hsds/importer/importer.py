"""HSDS import: validate in Python, write in batches with COPY and one upsert per table.

How a chunk of records (JSON documents or CSV rows) is handled:

1. Each JSON document is flattened into rows of the HSDS tables; nested objects take their
   parent's id (a phone under a service gets `service_id`). Rows with the same id are merged (the
   official examples repeat one phone under five owners), and so are the records they came from:
   a *record* is what is accepted or rejected as a whole.
2. Every row is read into column values by converters built from the model fields; references
   are resolved against the chunk and the database. A record with any invalid row is rejected
   whole, and so is every record that needed it. An optional reference to something that exists
   nowhere is dropped with a warning; a required one rejects the record.
3. Valid rows are written table by table in dependency order: COPY into a temporary table, then
   one `INSERT … ON CONFLICT (id) DO UPDATE … WHERE … IS DISTINCT FROM …` that updates only the
   columns the source gave and skips unchanged rows, and writes a provenance metadata row for each
   row it created or changed. The chunk is one transaction; if the database still refuses it, the
   chunk is retried record by record so that only the offending records are rejected.

Self-references (parent organisation, parent term) may point forward in the source; they are set
after the last chunk.
"""

# ruff: noqa: S608 - SQL here is built from the models' own table and column names and constant
# fragments; every value from a source travels as a query parameter or through COPY.
from __future__ import annotations

import datetime as dt
import json
import logging
import operator
import types
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.hours import validate_schedule
from services.hsds import values as v
from services.hsds.sources import Origin, Record, Source
from services.hsds.spec import BY_NAME, TABLES, Table, content_languages
from services.models import ImportRun, Region
from services.search.index import refresh_services
from services.search.rows import DEFER_SETTING
from services.validators import unsafe_name

logger = logging.getLogger(__name__)

MAX_STORED_PROBLEMS = 5000
JSON_CHUNK = 1000
CSV_CHUNK = 5000
# Columns that describe a write rather than the record: never compared to decide "changed".
_BOOKKEEPING = {"id", "created_at", "last_modified", "public_point"}
# What validate_schedule reads of a schedule (services/hours.py: build_rule and its checks).
_SCHEDULE_RULE_FIELDS = (
    "freq", "interval", "byday", "bymonthday", "count", "dtstart", "until",
    "opens_at", "closes_at", "valid_from", "valid_to",
)  # fmt: skip
_UNSEEN = object()
# Tables whose ids the writer remembers once seen in the directory (`Importer._remember`): the
# ones other records name across chunks, not the services' own nested rows. At most this many
# ids (~100 bytes each).
_KNOWN_TABLES = frozenset(
    {"organizations", "locations", "taxonomy_terms", "taxonomies", "programs"}
)
_KNOWN_MAX = 2_000_000
# The keys of each table's nested objects (read once per row flattened).
_NESTED_KEYS = {table.name: frozenset(nested.key for nested in table.nested) for table in TABLES}
# The temporary tables' column numbering each row's shape, and the upsert's "created" flag.
_SHAPE = "enlace_shape"
_CREATED = "enlace_created"
_TERM_LANGUAGES = {"eng": "en", "spa": "es", "por": "pt", "fra": "fr", "fre": "fr", "hat": "ht"}


@dataclass
class Problem:
    level: str  # "error" or "warning"
    file: str
    row: str
    object: str
    record_id: str
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "level": self.level,
            "file": self.file,
            "row": self.row,
            "object": self.object,
            "id": self.record_id,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: int = 0
    rejected_records: int = 0
    error_count: int = 0
    warning_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


class _Groups:
    """Union-find over records: rows shared by two records tie their fates together."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def add(self, item: int) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class _Row:
    table: Table
    raw: dict[str, Any]
    origin: Origin
    group: int
    id: uuid.UUID | None = None
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, uuid.UUID | None] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    flat: bool = False


@dataclass
class _ReadChunk:
    size: int
    rows: dict[tuple[str, Any], _Row]
    groups: _Groups
    rejected: set[int]
    problems: list[tuple[Any, ...]]


@dataclass(frozen=True)
class _Deferred:
    table: Table
    row_id: uuid.UUID
    column: str
    target_table: str
    target: uuid.UUID
    origin: Origin


class _RowInvalid(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


class _TablePlan:
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


class Importer:
    def __init__(
        self,
        source: Source,
        *,
        run: ImportRun,
        language: str = "es",
        updated_by: str = "import",
        on_progress: Callable[[int, ImportReport], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
    ):
        if language not in content_languages():
            raise ValueError(f"unknown content language {language!r}")
        self.source = source
        self.run = run
        self.language = language
        self.updated_by = updated_by
        self.on_progress = on_progress
        self.on_problem = on_problem
        self.report = ImportReport()
        # Read once: the settings object is a lazy proxy, and the reader asks for each row.
        self._languages = content_languages()
        self.plans = {table.name: _TablePlan(table) for table in TABLES}
        self.regions: dict[str, int] = dict(Region.objects.values_list("code", "id"))
        self.deferred: list[_Deferred] = []
        # Services whose search columns the import changed, refreshed once at the end: a service
        # touched by ten tables is recomputed once, not ten times.
        self.touched: set[uuid.UUID] = set()
        self.unknown_keys: set[tuple[str, str, str]] = set()
        self._temp_tables: set[str] = set()
        self._schedule_verdicts: dict[tuple[Any, ...], str | None] = {}
        self._written_tables: set[str] = set()
        # Temporary tables known to exist: made in a transaction that committed. Forgotten on
        # every rollback (a refused chunk takes the tables it made with it).
        self._temp_ready: set[str] = set()
        self._sql_cache: dict[tuple[str, frozenset[str]], str] = {}
        # Ids known to be in the directory, by table (_remember).
        self._known: dict[str, set[uuid.UUID]] = {}
        self._known_count = 0
        # Each chunk is a transaction of its own (not inside a caller's).
        self._chunks_commit = False
        self._last_stamp: dt.datetime | None = None
        # Ids of the rows that reach services (_REACH), by object, written by the chunks
        # committed so far and not yet handed to the refresher.
        self._committed: dict[str, list[uuid.UUID]] = {}
        self._refresher: _Refresher | None = None

    # ------------------------------------------------------------------ reporting

    def _problem(
        self,
        level: str,
        origin: Origin,
        table: Table | None,
        record_id: Any,
        field_name: str,
        reason: str,
    ) -> None:
        problem = Problem(
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
            self.report.problems.append(problem)
        if self.on_problem:
            self.on_problem(problem)

    # ------------------------------------------------------------------ driving

    def run_import(self) -> ImportReport:
        chunk_size = CSV_CHUNK if self.source.is_tabular() else JSON_CHUNK
        processed = 0
        chunks = _chunks(self.source.records(), chunk_size)
        language = translation.get_language()

        def read_next() -> _ReadChunk | None:
            # Translation is per thread: the reader's messages in the importer's language.
            with translation.override(language):
                records = next(chunks, None)
                return None if records is None else self._read_chunk(records)

        relaxed = False
        try:
            relaxed = self._relax_commit()
            self._chunks_commit = relaxed
            if relaxed:
                # Outside a caller's transaction each chunk commits, so a second connection
                # sees it: its services' search columns are computed there, on the other core.
                self._refresher = _Refresher()
            # Two stages on two cores: while PostgreSQL writes a chunk (the writer waits on it
            # without the GIL), the reader thread parses and checks the next one.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hsds-reader") as reader:
                pending = reader.submit(read_next)
                while (chunk := pending.result()) is not None:
                    pending = reader.submit(read_next)
                    self._write_chunk(chunk)
                    if self._refresher and self._committed:
                        self._refresher.submit(self._committed, self._last_stamp)
                        self._committed = {}
                    processed += chunk.size
                    self.report.records = processed
                    if self.on_progress:
                        self.on_progress(processed, self.report)
            if self._refresher:
                self._refresher.finish()
            self._analyze()
            self._resolve_deferred()
            self._refresh_search()
            self._report_unknown_keys()
        finally:
            if self._refresher:
                self._refresher.finish()
            self._drop_temp_tables()
            if relaxed:
                # The connection outlives the import (a Celery worker's next task may be a
                # referral's transition): its commits must wait for the disk again.
                with connection.cursor() as cursor:
                    cursor.execute("SET synchronous_commit TO DEFAULT")
        return self.report

    def _read_chunk(self, records: list[Record]) -> _ReadChunk:
        """Everything about a chunk that needs no database: parsing, flattening, converting and
        checking each row. Runs in the reader thread, so its problems are kept and reported by
        the writer in order."""
        problems: list[tuple[Any, ...]] = []

        def note(*args: Any) -> None:
            problems.append(args)

        groups = _Groups()
        rows: dict[tuple[str, Any], _Row] = {}
        rejected: set[int] = set()
        for index, record in enumerate(records):
            groups.add(index)
            if not isinstance(record.data, dict):
                note(
                    "error", record.origin, record.table, "", "", _("not a well-formed HSDS object")
                )
                rejected.add(index)
                continue
            if record.flat:
                flat = [(record.table, dict(record.data), record.origin)]
            else:
                flat = []
                self._flatten(record.data, record.table, record.origin, "", flat)
            for table, raw, origin in flat:
                if not isinstance(raw, dict):
                    note("error", origin, table, "", "", _("must be an object"))
                    rejected.add(index)
                    continue
                try:
                    row_id = v.to_uuid(raw.get("id"))
                except v.ValueProblem as problem:
                    note("error", origin, table, "", "id", problem.reason)
                    rejected.add(index)
                    continue
                if row_id is None:
                    note("error", origin, table, "", "id", _("is required"))
                    rejected.add(index)
                    continue
                key = (table.name, row_id)
                existing = rows.get(key)
                if existing is None:
                    rows[key] = _Row(table, raw, origin, index, id=row_id, flat=record.flat)
                    continue
                if record.flat and existing.flat and existing.origin.file == origin.file:
                    note(
                        "warning", origin, table, row_id, "id",
                        _("appears more than once; the last row wins"),
                    )  # fmt: skip
                _merge(existing.raw, raw, overwrite_with_empty=record.flat)
                groups.union(existing.group, index)
        rejected = {groups.find(g) for g in rejected}

        for row in rows.values():
            try:
                self._read_row(row)
            except _RowInvalid as invalid:
                note("error", row.origin, row.table, row.id, invalid.field, invalid.reason)
                rejected.add(groups.find(row.group))

        return _ReadChunk(len(records), rows, groups, rejected, problems)

    def _write_chunk(self, chunk: _ReadChunk) -> None:
        for args in chunk.problems:
            self._problem(*args)
        rows, groups, rejected = chunk.rows, chunk.groups, chunk.rejected
        existing_ids = self._existing_ids(rows)
        self._check_references(rows, groups, rejected, existing_ids)

        valid = [row for row in rows.values() if groups.find(row.group) not in rejected]
        for row in valid:
            for field_name, reason in row.warnings:
                self._problem("warning", row.origin, row.table, row.id, field_name, reason)
        sizes: dict[int, int] = {}
        for index in range(chunk.size):
            root = groups.find(index)
            sizes[root] = sizes.get(root, 0) + 1
        self.report.rejected_records += sum(sizes[root] for root in rejected if root in sizes)
        self._write(valid, groups, sizes)

    # ------------------------------------------------------------------ flattening

    def _flatten(
        self,
        obj: Any,
        table: Table,
        origin: Origin,
        path: str,
        out: list[tuple[Table, Any, Origin]],
    ) -> None:
        if not path:
            where = origin
        elif origin.row.startswith("/"):
            where = Origin(origin.file, origin.row.rstrip("/") + path)
        else:
            where = Origin(origin.file, f"{origin.row} {path}")
        if not isinstance(obj, dict):
            out.append((table, obj, where))
            return
        nested_keys = _NESTED_KEYS[table.name]
        row = {key: value for key, value in obj.items() if key not in nested_keys}
        out.append((table, row, where))
        row_id = obj.get("id")
        for nested in table.nested:
            value = obj.get(nested.key)
            if value is None:
                continue
            child_table = BY_NAME[nested.table]
            if nested.many:
                if not isinstance(value, list):
                    out.append(
                        (child_table, value, Origin(where.file, f"{where.row}/{nested.key}"))
                    )
                    continue
                for index, child in enumerate(value):
                    if isinstance(child, dict):
                        child = dict(child)
                        if nested.child_sets and nested.child_sets not in child:
                            child[nested.child_sets] = row_id
                        if nested.key == "attributes":
                            child.setdefault("link_entity", table.object_name)
                        elif nested.key == "metadata":
                            child.setdefault("resource_type", table.object_name)
                    self._flatten(child, child_table, origin, f"{path}/{nested.key}/{index}", out)
            else:
                if isinstance(value, dict):
                    if nested.parent_sets and nested.parent_sets not in row:
                        row[nested.parent_sets] = value.get("id")
                    if (
                        nested.key == "program"
                        and "organization_id" not in value
                        and row.get("organization_id")
                    ):
                        # A program nested in a service belongs to the service's organisation.
                        value = {**value, "organization_id": row["organization_id"]}
                self._flatten(value, child_table, origin, f"{path}/{nested.key}", out)

    # ------------------------------------------------------------------ reading one row

    def _read_row(self, row: _Row) -> None:
        plan = self.plans[row.table.name]
        table = row.table
        raw = row.raw
        values = row.values
        translated = plan.translated
        all_columns = plan.all_columns
        lang = self._row_language(row)
        if plan.has_content_language:
            values["content_language"] = lang
        for key, value in raw.items():
            if key in ("id", "content_language", "translations", "latitude", "longitude"):
                if key not in all_columns and key != "id":
                    self.unknown_keys.add((row.origin.file, table.object_name, key))
                continue
            if key not in all_columns:
                self.unknown_keys.add((row.origin.file, table.object_name, key))
                continue
            if key in table.ref_by_column:
                try:
                    row.refs[key] = v.to_uuid(value)
                except v.ValueProblem as problem:
                    raise _RowInvalid(key, problem.reason) from None
                if row.refs[key] == row.id and table.ref_by_column[key].table == table.name:
                    raise _RowInvalid(key, _("a record cannot be its own parent"))
                continue
            if key == "region_code":
                code = v.to_text(value).strip()
                values["region_id"] = self.regions.get(code) if code else None
                if code and values["region_id"] is None:
                    row.warnings.append((key, _("unknown region code; left empty")))
                continue
            if key == "area":
                values["area"] = self._read_area(value)
                continue
            if key == "taxonomy" and table.name == "taxonomy_terms":
                continue
            convert = plan.converters[key]
            try:
                converted = convert(value)
            except v.ValueProblem as problem:
                raise _RowInvalid(key, problem.reason) from None
            if converted is None and key in plan.not_null:
                converted = plan.defaults[key]
            if key in plan.required_set and v.is_empty(converted):
                raise _RowInvalid(key, _("is required"))
            values[key] = converted
            if key in translated:
                values[f"{key}_{lang}"] = converted or None
        if "translations" in raw and "translations" in all_columns:
            self._read_translations(row, lang)
        elif table.name == "taxonomy_terms":
            for name in translated & set(raw):
                values.setdefault(f"{name}_{lang}", values.get(name) or None)
        if ("latitude" in raw or "longitude" in raw) and "latitude" in all_columns:
            self._read_position(row)
        row.missing_required = [name for name in plan.required if name not in values]
        self._check_table_rules(row)

    def _row_language(self, row: _Row) -> str:
        raw = row.raw
        if "content_language" in raw and not v.is_empty(raw["content_language"]):
            lang = v.to_text(raw["content_language"]).strip().lower()
            if lang not in self._languages:
                raise _RowInvalid(
                    "content_language",
                    _("must be one of: %(choices)s") % {"choices": ", ".join(self._languages)},
                )
            return lang
        if row.table.name == "taxonomy_terms" and not v.is_empty(raw.get("language")):
            code = str(raw["language"]).strip().lower()
            code = _TERM_LANGUAGES.get(code, code)
            if code in self._languages:
                return code
        return self.language

    def _read_translations(self, row: _Row, lang: str) -> None:
        raw = row.raw.get("translations")
        try:
            data = v.parse_json_cell(raw) or {}
        except v.ValueProblem as problem:
            raise _RowInvalid("translations", problem.reason) from None
        if not isinstance(data, dict):
            raise _RowInvalid("translations", _("must be an object of languages"))
        plan = self.plans[row.table.name]
        is_term = row.table.name == "taxonomy_terms"
        for code in self._languages:
            if code == lang and not is_term:
                continue
            texts = data.get(code) or {}
            if not isinstance(texts, dict):
                raise _RowInvalid("translations", _("must be an object of languages"))
            for name in row.table.translated:
                text = texts.get(name)
                if text is not None:
                    try:
                        text = plan.converters[name](text)
                    except v.ValueProblem as problem:
                        raise _RowInvalid(f"translations.{code}.{name}", problem.reason) from None
                row.values[f"{name}_{code}"] = text or None
        unknown = set(data) - set(self._languages)
        if unknown:
            raise _RowInvalid(
                "translations",
                _("must be one of: %(choices)s") % {"choices": ", ".join(self._languages)},
            )

    def _read_position(self, row: _Row) -> None:
        try:
            lat = v.to_float(row.raw.get("latitude"))
            lon = v.to_float(row.raw.get("longitude"))
        except v.ValueProblem as problem:
            raise _RowInvalid("latitude", problem.reason) from None
        if lat is None and lon is None:
            if row.values.get("is_confidential"):
                # A public export leaves out a confidential location's position: not a removal.
                return
            row.values["point"] = None
            return
        if lat is None or lon is None:
            raise _RowInvalid("latitude", _("give both latitude and longitude, or neither"))
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            row.warnings.append(
                ("latitude", _("coordinates out of range; the position was left empty"))
            )
            return
        row.values["point"] = f"SRID=4326;POINT({lon!r} {lat!r})"

    def _read_area(self, value: Any) -> str | None:
        try:
            data = v.parse_json_cell(value)
        except v.ValueProblem as problem:
            raise _RowInvalid("area", problem.reason) from None
        if data is None:
            return None
        try:
            geometry = GEOSGeometry(json.dumps(data))
        except (GEOSException, ValueError, TypeError):
            raise _RowInvalid("area", _("must be a GeoJSON polygon or multipolygon")) from None
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon(geometry)
        if not isinstance(geometry, MultiPolygon):
            raise _RowInvalid("area", _("must be a GeoJSON polygon or multipolygon"))
        geometry.srid = 4326
        return geometry.ewkt

    def _check_table_rules(self, row: _Row) -> None:
        values = row.values
        name = row.table.name
        if name in ("organizations", "services"):
            # The names the admin refuses, for the same reasons (services/validators.py).
            unsafe = unsafe_name(values)
            if unsafe is not None:
                raise _RowInvalid(*unsafe)
        if name == "services":
            low, high = values.get("minimum_age"), values.get("maximum_age")
            if low is not None and high is not None and low > high:
                raise _RowInvalid("maximum_age", _("is lower than the minimum age"))
            free, total = values.get("capacity_available"), values.get("capacity_total")
            if free is not None and total is not None and free > total:
                raise _RowInvalid("capacity_available", _("is more than the total capacity"))
        elif name == "locations":
            kind = values.get("location_type", "physical")
            if values.get("is_confidential") and kind != "physical":
                raise _RowInvalid(
                    "is_confidential", _("only a physical location can be confidential")
                )
            zone = values.get("time_zone")
            if zone:
                from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

                try:
                    ZoneInfo(zone)
                except (ZoneInfoNotFoundError, ValueError):
                    raise _RowInvalid("time_zone", _("is not a known time zone")) from None
        elif name == "schedules":
            plan = self.plans[name]
            # Validity depends on these fields only (services/hours.py); a directory repeats a
            # few hundred distinct rules, so each is parsed once, not once per schedule.
            key = tuple(values.get(k, plan.defaults.get(k)) for k in _SCHEDULE_RULE_FIELDS)
            reason = self._schedule_verdicts.get(key, _UNSEEN)
            if reason is _UNSEEN:
                candidate = types.SimpleNamespace(
                    **dict(zip(_SCHEDULE_RULE_FIELDS, key, strict=True))
                )
                try:
                    validate_schedule(candidate)
                    reason = None
                except ValidationError as error:
                    reason = " ".join(error.messages)
                if len(self._schedule_verdicts) < 100_000:
                    self._schedule_verdicts[key] = reason
            if reason is not None:
                raise _RowInvalid("schedule", reason)

    # ------------------------------------------------------------------ references

    def _existing_ids(self, rows: dict[tuple[str, Any], _Row]) -> dict[str, set[uuid.UUID]]:
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
                    if target in self._known.get(name, ()):
                        known.setdefault(name, set()).add(target)
                    else:
                        wanted.setdefault(name, set()).add(target)
        found = self._look_up(wanted)
        self._remember({name: ids for name, ids in found.items() if name in _KNOWN_TABLES})
        for name, ids in known.items():
            found.setdefault(name, set()).update(ids)
        return found

    def _remember(self, ids_by_table: dict[str, Iterable[uuid.UUID]]) -> None:
        """Keeps the ids of organisations, locations, terms... that are in the directory:
        written by a chunk of this import that committed, or found there. Services name the
        same ones chunk after chunk (a term in every chunk, the locations and organisations
        of the files read first): 1,000 look-ups a table at 1M services, ~60 s of the
        writer's path (bench/README.md finding 14). The foreign keys still check at commit:
        one deleted meanwhile refuses its chunk, retried record by record."""
        for name, ids in ids_by_table.items():
            if self._known_count >= _KNOWN_MAX:
                return
            known = self._known.setdefault(name, set())
            before = len(known)
            known.update(ids)
            self._known_count += len(known) - before

    @staticmethod
    def _look_up(wanted: dict[str, set[uuid.UUID]]) -> dict[str, set[uuid.UUID]]:
        found: dict[str, set[uuid.UUID]] = {}
        with connection.cursor() as cursor:
            for name, ids in wanted.items():
                cursor.execute(
                    f"SELECT id FROM {_qn(BY_NAME[name].db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                    [list(ids)],
                )
                found[name] = {r[0] for r in cursor.fetchall()}
        return found

    def _check_references(
        self,
        rows: dict[tuple[str, Any], _Row],
        groups: _Groups,
        rejected: set[int],
        existing: dict[str, set[uuid.UUID]],
    ) -> None:
        def ok(row: _Row) -> bool:
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
                self._look_up_refused_targets(rows, ok, in_chunk, existing, asked)
            for row in rows.values():
                if not ok(row):
                    continue
                reason = self._reference_problem(row, in_chunk, existing)
                if reason:
                    field_name, message = reason
                    self._problem("error", row.origin, row.table, row.id, field_name, message)
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
                known = target in in_chunk.get(ref.table, ()) or target in existing.get(
                    ref.table, ()
                )
                if known:
                    continue
                # It may come later in the source (another file, a later chunk, or the row's own
                # parent further down): left as it is now and set after the last chunk.
                self.deferred.append(
                    _Deferred(row.table, row.id, column, ref.table, target, row.origin)
                )
                del row.refs[column]

    def _look_up_refused_targets(
        self,
        rows: dict[tuple[str, Any], _Row],
        ok: Callable[[_Row], bool],
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
        for name, ids in self._look_up(wanted).items():
            existing.setdefault(name, set()).update(ids)

    @staticmethod
    def _reference_problem(
        row: _Row, in_chunk: dict[str, set[uuid.UUID]], existing: dict[str, set[uuid.UUID]]
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
            if target not in in_chunk.get(ref.table, ()) and target not in existing.get(
                ref.table, ()
            ):
                return ref.column, _(
                    "the %(object)s it refers to is neither in the import (or it was rejected) "
                    "nor in the directory"
                ) % {"object": BY_NAME[ref.table].object_name}
        return None

    # ------------------------------------------------------------------ writing

    def _write(self, rows: list[_Row], groups: _Groups, sizes: dict[int, int]) -> None:
        if not rows:
            return
        try:
            with transaction.atomic():
                counts, written = self._write_rows(rows)
        except DatabaseError:
            self._temp_ready.clear()
            logger.info("import chunk refused by the database, retrying record by record")
            self._write_by_record(rows, groups, sizes)
            return
        self._add_counts(counts)
        self._note_committed(written)
        self._remember_rows(rows)

    def _remember_rows(self, rows: list[_Row]) -> None:
        by_table: dict[str, list[uuid.UUID]] = {}
        for row in rows:
            if row.table.name in _KNOWN_TABLES:
                by_table.setdefault(row.table.name, []).append(row.id)
        self._remember(by_table)

    def _write_by_record(self, rows: list[_Row], groups: _Groups, sizes: dict[int, int]) -> None:
        by_group: dict[int, list[_Row]] = {}
        for row in rows:
            by_group.setdefault(groups.find(row.group), []).append(row)
        for root, members in by_group.items():
            try:
                with transaction.atomic():
                    counts, written = self._write_rows(members)
            except DatabaseError as error:
                self._temp_ready.clear()
                culprit = members[0]
                self._problem(
                    "error",
                    culprit.origin,
                    culprit.table,
                    culprit.id,
                    "",
                    _database_reason(error),
                )
                self.report.rejected_records += sizes.get(root, 1)
                continue
            self._add_counts(counts)
            self._note_committed(written)
            self._remember_rows(members)

    def _note_committed(self, written: dict[str, list[uuid.UUID]]) -> None:
        for name, ids in written.items():
            self._committed.setdefault(name, []).extend(ids)

    def _add_counts(self, counts: tuple[int, int, int]) -> None:
        created, updated, unchanged = counts
        self.report.created += created
        self.report.updated += updated
        self.report.unchanged += unchanged

    def _write_rows(
        self, rows: list[_Row]
    ) -> tuple[tuple[int, int, int], dict[str, list[uuid.UUID]]]:
        """Writes the rows; returns the counts and, by object, the ids of the rows created or
        changed that can reach a service's search columns (_REACH).

        Per table: one TRUNCATE and one COPY of all its rows into the temporary table, each row
        tagged with its shape (the columns the source gave), then one upsert per shape, which
        also writes the provenance rows and, for tables with a history, the version rows."""
        by_table: dict[str, list[_Row]] = {}
        for row in rows:
            by_table.setdefault(row.table.name, []).append(row)
        created = updated = unchanged = 0
        written: dict[str, list[uuid.UUID]] = {}
        now = self._next_stamp()
        for table in TABLES:
            members = by_table.get(table.name)
            if not members:
                continue
            plan = self.plans[table.name]
            by_shape: dict[frozenset[str], list[_Row]] = {}
            for row in members:
                present = frozenset(row.values) | frozenset(row.refs)
                by_shape.setdefault(present, []).append(row)
            self._written_tables.add(table.name)
            shapes: list[tuple[frozenset[str], list[_Row]]] = []
            for present, shape_rows in by_shape.items():
                # PostgreSQL checks NOT NULL before it sees the conflict: a row that updates an
                # existing record without repeating its required reference carries the stored
                # one along.
                carried = [
                    r.column for r in plan.table.refs if r.required and r.column not in present
                ]
                shapes.append(
                    (
                        present,
                        self._carry_stored(plan, carried, shape_rows) if carried else shape_rows,
                    )
                )
            self._copy_rows(plan, shapes, now)
            with connection.cursor() as cursor:
                if table.name == "services":
                    # New services get their search rows from the refresh that follows this
                    # chunk (services/search/rows.py, DEFER_SETTING); SET LOCAL, and set back
                    # below, so that nothing after the import in this transaction skips them.
                    cursor.execute("SELECT set_config(%s, 'on', true)", [DEFER_SETTING])
                for shape, (present, _rows) in enumerate(shapes):
                    changed = self._upsert(cursor, plan, present, shape, now)
                    c = sum(1 for is_new in changed.values() if is_new)
                    created += c
                    updated += len(changed) - c
                    unchanged += len(by_shape[present]) - len(changed)
                    if changed and table.object_name in _REACHING:
                        written.setdefault(table.object_name, []).extend(changed)
                if table.name == "services":
                    cursor.execute("SELECT set_config(%s, 'off', true)", [DEFER_SETTING])
        return (created, updated, unchanged), written

    def _next_stamp(self) -> dt.datetime:
        """The time written on a chunk's provenance rows, strictly later than the last one: the
        end of the run tells by it whether a service changed after its early refresh."""
        now = timezone.now()
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + dt.timedelta(microseconds=1)
        self._last_stamp = now
        return now

    def _ensure_temp(self, plan: _TablePlan) -> None:
        # Made once per import (CREATE TABLE, even IF NOT EXISTS, costs a catalogue look-up),
        # and again after a rollback: a refused chunk takes the temporary tables it made with it
        # (`_temp_ready` is cleared then). Each commit empties them in place (ON COMMIT DELETE
        # ROWS); a TRUNCATE gave each one a new file and catalogue row, ~1,500 times at 100k
        # (bench/README.md finding 14). Inside a caller's transaction nothing commits between
        # chunks, so they are emptied before each use.
        columns = ", ".join(_qn(c) for c in plan.insert_columns)
        with connection.cursor() as cursor:
            if plan.tmp not in self._temp_ready:
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {_qn(plan.tmp)} ON COMMIT DELETE ROWS AS "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                    f"SELECT {columns}, 0 AS {_SHAPE} FROM {_qn(plan.table.db_table)} "
                    "WITH NO DATA"
                )
                self._temp_ready.add(plan.tmp)
            if not self._chunks_commit:
                cursor.execute(f"TRUNCATE {_qn(plan.tmp)}")
        self._temp_tables.add(plan.tmp)

    def _copy_rows(
        self,
        plan: _TablePlan,
        shapes: list[tuple[frozenset[str], list[_Row]]],
        now: dt.datetime,
    ) -> None:
        """One COPY of every row of the table into its temporary table, each with its shape's
        number."""
        self._ensure_temp(plan)
        columns = plan.insert_columns
        # What a column the row does not give holds: its default, or the chunk's time for the
        # two dates. Lists are handed to COPY as they are (it writes them out at once).
        base = {column: plan.defaults[column] for column in columns}
        for column in ("created_at", "last_modified"):
            if column in base:
                base[column] = now
        stamped = "last_modified" in base
        pick = operator.itemgetter(*columns, _SHAPE)
        names = ", ".join([*(_qn(c) for c in columns), _SHAPE])
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {_qn(plan.tmp)} ({names}) FROM STDIN") as copy,
        ):
            for shape, (_present, rows) in enumerate(shapes):
                for row in rows:
                    # The row's own values win over its references, both over the defaults.
                    record = {**base, **row.refs, **row.values, "id": row.id, _SHAPE: shape}
                    if stamped and record["last_modified"] is None:
                        record["last_modified"] = now
                    copy.write_row(pick(record))

    def _upsert(
        self,
        cursor: Any,
        plan: _TablePlan,
        present: frozenset[str],
        shape: int,
        now: dt.datetime,
    ) -> dict[uuid.UUID, bool]:
        """Writes the rows of one shape from the temporary table; returns the ids of those
        created (True) or changed (False)."""
        params: dict[str, Any] = {"shape": shape}
        if plan.table.name != "metadata":
            params.update(self._provenance_params(plan))
            params["now"] = now
            params["id_prefix"] = _time_prefix(now)
            params["reason"] = f"import run {self.run.pk}"
        key = (plan.table.name, present)
        sql = self._sql_cache.get(key)
        if sql is None:
            sql = self._sql_cache[key] = self._upsert_sql(plan, present)
        cursor.execute(sql, params)
        return dict(cursor.fetchall())

    @staticmethod
    def _carry_stored(plan: _TablePlan, columns: list[str], rows: list[_Row]) -> list[_Row]:
        names = ", ".join(_qn(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {names} FROM {_qn(plan.table.db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                [[row.id for row in rows]],
            )
            stored = {r[0]: r[1:] for r in cursor.fetchall()}
        carried = []
        for row in rows:
            if row.id in stored:
                refs = dict(row.refs)
                refs.update(zip(columns, stored[row.id], strict=True))
                carried.append(
                    _Row(row.table, row.raw, row.origin, row.group, row.id, row.values, refs)
                )
        return carried

    def _upsert_sql(self, plan: _TablePlan, present: frozenset[str]) -> str:
        table = _qn(plan.table.db_table)
        tmp = _qn(plan.tmp)
        columns = plan.insert_columns
        select = [_qn(c) for c in columns]
        insert = list(select)
        changed = sorted(c for c in present if c in plan.fields and c not in _BOOKKEEPING)
        sets = [f"{_qn(c)} = EXCLUDED.{_qn(c)}" for c in changed]
        if plan.is_location:
            # Nothing an import says makes a confidential location public again: only a steward
            # may do that, in the admin.
            sets = [s for s in sets if not s.startswith(_qn("is_confidential"))]
            if "is_confidential" in present:
                sets.append(
                    f"{_qn('is_confidential')} = t.{_qn('is_confidential')} "
                    f"OR EXCLUDED.{_qn('is_confidential')}"
                )
            point = "EXCLUDED.point" if "point" in present else "t.point"
            secret = (
                "(t.is_confidential OR EXCLUDED.is_confidential)"
                if "is_confidential" in present
                else "t.is_confidential"
            )
            insert.append(_qn("public_point"))
            # The same grid as services/confidential.py, in SQL (services/search/index.py).
            select.append("enlace_public_point(point, is_confidential)")
            sets.append(f"public_point = enlace_public_point({point}, {secret})")
        sets.append(f"{_qn('last_modified')} = EXCLUDED.{_qn('last_modified')}")
        geometry = {"point", "area", "public_point"}

        def compared(prefix: str, column: str) -> str:
            ref = f"{prefix}.{_qn(column)}"
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
        # The version rows copy the row as written: RETURNING hands it over (#8; the upsert is
        # SQL, so simple_history's signals never see it).
        returned = "".join(f", t.{_qn(c)}" for c in versioned if c != "id")
        upsert = (
            f"INSERT INTO {table} AS t ({', '.join(insert)}) "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
            f"SELECT {', '.join(select)} FROM {tmp} WHERE {_SHAPE} = %(shape)s "
            f"ON CONFLICT (id) DO UPDATE SET {', '.join(sets)} {where} "
            f"RETURNING t.id, (t.xmax = 0) AS {_CREATED}{returned}"
        )
        if plan.table.name == "metadata":
            return upsert
        if versioned:
            names = ", ".join(_qn(c) for c in versioned)
            history_sql = (
                f", history AS (INSERT INTO {_qn(history.model._meta.db_table)} ({names}, "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                "history_date, history_change_reason, history_type, history_user_id) "
                f"SELECT {names}, %(now)s, %(reason)s, "
                f"CASE WHEN {_CREATED} THEN '+' ELSE '~' END, NULL FROM written)"
            )
        else:
            history_sql = ""
        # Every identifier above comes from the model's metadata, never from the source.
        # Provenance ids start with the chunk's time (a version 7 UUID's layout): each chunk's
        # rows append to the right end of the primary key's index instead of landing on random
        # pages of it (bench/README.md finding 14).
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

    def _provenance_params(self, plan: _TablePlan) -> dict[str, Any]:
        return {
            "object": plan.table.object_name,
            "by": self.updated_by[:200],
            "source": self.run.source[:200],
            "run": self.run.pk,
        }

    # ------------------------------------------------------------------ after the last chunk

    def _resolve_deferred(self) -> None:
        """Sets the optional references that pointed forward (to a later file or chunk), now that
        everything is written; those whose target never came are reported and stay empty."""
        if not self.deferred:
            return
        by_column: dict[tuple[str, str], list[_Deferred]] = {}
        wanted: dict[str, set[uuid.UUID]] = {}
        for item in self.deferred:
            by_column.setdefault((item.table.name, item.column), []).append(item)
            wanted.setdefault(item.table.name, set()).add(item.row_id)
            wanted.setdefault(item.target_table, set()).add(item.target)
        found: dict[str, set[uuid.UUID]] = {}
        touched: set[uuid.UUID] = set()
        with transaction.atomic(), connection.cursor() as cursor:
            for name, ids in wanted.items():
                cursor.execute(
                    f"SELECT id FROM {_qn(BY_NAME[name].db_table)} WHERE id = ANY(%s)",  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
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
                        self._problem(
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
                    f"UPDATE {_qn(table.db_table)} AS t SET {_qn(column)} = u.target "  # nosec B608 — identifiers from model metadata (quote_name), never from the imported file; values are bound parameters
                    "FROM unnest(%s::uuid[], %s::uuid[]) AS u(id, target) "
                    f"WHERE t.id = u.id AND t.{_qn(column)} IS DISTINCT FROM u.target",
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
            self.touched.update(touched)

    @staticmethod
    def _relax_commit() -> bool:
        """Each chunk's commit returns without waiting for its WAL to reach the disk: a crash
        can lose the last chunks, never half of one, and a re-import writes them again (the
        import is idempotent). This session only; the server's setting is untouched."""
        if connection.in_atomic_block:
            return False  # inside a caller's transaction (tests, a larger unit of work): its rules
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        return True

    def _analyze(self) -> None:
        """Fresh planner statistics for what this run wrote. A first import into an empty
        directory leaves tables that the planner still thinks empty, and the end of the import
        (finding the services it touched) then chose nested loops over seq scans: 32 of 90 s
        for 3,000 services (bench/README.md). ANALYZE reads a sample, a second or two a table."""
        if not self._written_tables or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for name in sorted(self._written_tables | {"metadata"}):
                cursor.execute(f"ANALYZE {_qn(BY_NAME[name].db_table)}")

    def _refresh_search(self, batch: int = 20_000) -> None:
        """Recomputes the search columns of every service this run changed, directly or through
        a location, link, phone, language, schedule, area, tag or organisation: found from the
        run's provenance entries in one query, each service once. A service the refresher
        already did is skipped unless a provenance entry that reaches it is later than the
        chunk it was refreshed after (its location, say, came in a later chunk).

        When the refresher did every committed chunk, that query is not needed: each chunk's
        job refreshed every service the chunk's rows reached, after the chunk committed, so
        only what `_resolve_deferred` changed is left (the query read every provenance row of
        the run: 34 s at 100,000 services, bench/README.md finding 14)."""
        if self._refresher is None or not self._refresher.complete:
            early = self._refresher.done if self._refresher else {}
            with connection.cursor() as cursor:
                cursor.execute(_TOUCHED_BY_RUN, {"run": self.run.pk})
                for service_id, last_written in cursor.fetchall():
                    stamp = early.get(service_id)
                    if stamp is None or last_written > stamp:
                        self.touched.add(service_id)
        ids = sorted(self.touched)
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                refresh_services(ids[start : start + batch])
        self.touched.clear()

    def _report_unknown_keys(self) -> None:
        for file, object_name, key in sorted(self.unknown_keys):
            self._problem(
                "warning",
                Origin(file, ""),
                None,
                "",
                key,
                _("is not an HSDS field of %(object)s (nor one of ours); ignored")
                % {"object": object_name},
            )

    def _drop_temp_tables(self) -> None:
        if not self._temp_tables:
            return
        try:
            with connection.cursor() as cursor:
                for name in self._temp_tables:
                    cursor.execute(f"DROP TABLE IF EXISTS {_qn(name)}")
        except DatabaseError:
            # Inside a broken transaction (a test); the session's end drops them anyway.
            pass


class _Refresher:
    """Computes the search columns of each committed chunk's services on a connection of its
    own, while the writer writes the next chunk: the writer's and the refresher's PostgreSQL
    backends then use both cores, where the refresh at the end used one while Python waited
    (bench/README.md finding 8). Best effort: a service it did not do, or that a later chunk
    changed, is refreshed at the end as before (`Importer._refresh_search`)."""

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
                refresh_services(ids)
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


def _time_prefix(now: dt.datetime) -> bytes:
    """The first 7 bytes of a version 7 UUID made at `now`: 48 bits of Unix milliseconds, then
    the version nibble (the other 4 bits zero; the rest of the id stays random)."""
    return int(now.timestamp() * 1000).to_bytes(6, "big") + b"\x70"


def _dangling(target: Table) -> str:
    return _(
        "the %(object)s it refers to is neither in the import nor in the directory; left empty"
    ) % {"object": target.object_name}


def _merge(existing: dict[str, Any], new: dict[str, Any], *, overwrite_with_empty: bool) -> None:
    for key, value in new.items():
        if key not in existing or overwrite_with_empty or not v.is_empty(value):
            existing[key] = value


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
_REACHING = frozenset(name for name, *_ in _REACH)

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


_CONSTRAINT_REASONS = {
    "service_at_location_unique": lambda: _(
        "this service is already linked to this location under another id"
    ),
    "service_age_range_ordered": lambda: _("the maximum age is lower than the minimum age"),
    "service_capacity_within_total": lambda: _("free places exceed the total capacity"),
    "location_only_physical_can_be_confidential": lambda: _(
        "only a physical location can be confidential"
    ),
}


def _database_reason(error: Exception) -> str:
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint in _CONSTRAINT_REASONS:
        return _CONSTRAINT_REASONS[constraint]()
    return _("the database refused this record: %(error)s") % {
        "error": str(error).splitlines()[0][:200]
    }
