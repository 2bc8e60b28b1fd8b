"""Reading a chunk: parsing, flattening nested documents into table rows, converting and
checking each row. Needs no database, so it runs in the reader thread while the writer writes
the previous chunk; its problems are kept and reported by the writer in order.
"""

from __future__ import annotations

import json
import types
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services import phones
from services.hours import validate_schedule
from services.hsds import values as v
from services.hsds.importer.chunks import Groups, ReadChunk, Row, RowInvalid
from services.hsds.importer.state import ImportState
from services.hsds.sources import Origin, Record
from services.hsds.spec import BY_NAME, TABLES, Table
from services.validators import unsafe_name

# What validate_schedule reads of a schedule (services/hours.py: build_rule and its checks).
_SCHEDULE_RULE_FIELDS = (
    "freq", "interval", "byday", "bymonthday", "count", "dtstart", "until",
    "opens_at", "closes_at", "valid_from", "valid_to",
)  # fmt: skip


_UNSEEN = object()


# The keys of each table's nested objects (read once per row flattened).
_NESTED_KEYS = {table.name: frozenset(nested.key for nested in table.nested) for table in TABLES}


_TERM_LANGUAGES = {"eng": "en", "spa": "es", "por": "pt", "fra": "fr", "fre": "fr", "hat": "ht"}


def _merge(existing: dict[str, Any], new: dict[str, Any], *, overwrite_with_empty: bool) -> None:
    for key, value in new.items():
        if key not in existing or overwrite_with_empty or not v.is_empty(value):
            existing[key] = value


def _phone_number(state: ImportState, row: Row, raw: str) -> str:
    """The number as E.164 (services/phones.py), or the row is refused with the reason.

    A number written without + when the import was given no country is kept as written: it
    can only be read with its owner's country, known once the rows are in the database
    (`normalise_national_phones` does it after the last chunk)."""
    text = " ".join((raw or "").split())
    if not text:
        raise RowInvalid("number", _("is required"))
    if not state.country and not text.startswith(("+", "00")):
        state.national_phones[row.id] = row.origin
        return text
    try:
        return phones.normalise(text, state.country or None)
    except ValidationError as error:
        raise RowInvalid("number", " ".join(error.messages)) from None


def read_chunk(state: ImportState, records: list[Record]) -> ReadChunk:
    """Everything about a chunk that needs no database: parsing, flattening, converting and
    checking each row. Runs in the reader thread, so its problems are kept and reported by
    the writer in order."""
    problems: list[tuple[Any, ...]] = []

    def note(*args: Any) -> None:
        problems.append(args)

    groups = Groups()
    rows: dict[tuple[str, Any], Row] = {}
    rejected: set[int] = set()
    for index, record in enumerate(records):
        groups.add(index)
        if not isinstance(record.data, dict):
            note("error", record.origin, record.table, "", "", _("not a well-formed HSDS object"))
            rejected.add(index)
            continue
        if record.flat:
            flat = [(record.table, dict(record.data), record.origin)]
        else:
            flat = []
            flatten(state, record.data, record.table, record.origin, "", flat)
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
                rows[key] = Row(table, raw, origin, index, id=row_id, flat=record.flat)
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
            read_row(state, row)
        except RowInvalid as invalid:
            note("error", row.origin, row.table, row.id, invalid.field, invalid.reason)
            rejected.add(groups.find(row.group))

    return ReadChunk(len(records), rows, groups, rejected, problems)


def flatten(
    state: ImportState,
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
                out.append((child_table, value, Origin(where.file, f"{where.row}/{nested.key}")))
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
                flatten(state, child, child_table, origin, f"{path}/{nested.key}/{index}", out)
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
            flatten(state, value, child_table, origin, f"{path}/{nested.key}", out)


def read_row(state: ImportState, row: Row) -> None:
    plan = state.plans[row.table.name]
    table = row.table
    raw = row.raw
    values = row.values
    translated = plan.translated
    all_columns = plan.all_columns
    lang = row_language(state, row)
    if plan.has_content_language:
        values["content_language"] = lang
    for key, value in raw.items():
        if key in ("id", "content_language", "translations", "latitude", "longitude"):
            if key not in all_columns and key != "id":
                state.unknown_keys.add((row.origin.file, table.object_name, key))
            continue
        if key not in all_columns:
            state.unknown_keys.add((row.origin.file, table.object_name, key))
            continue
        if key in table.ref_by_column:
            try:
                row.refs[key] = v.to_uuid(value)
            except v.ValueProblem as problem:
                raise RowInvalid(key, problem.reason) from None
            if row.refs[key] == row.id and table.ref_by_column[key].table == table.name:
                raise RowInvalid(key, _("a record cannot be its own parent"))
            continue
        if key == "region_code":
            code = v.to_text(value).strip()
            values["region_id"] = state.regions.get(code) if code else None
            if code and values["region_id"] is None:
                row.warnings.append((key, _("unknown region code; left empty")))
            continue
        if key == "area":
            values["area"] = read_area(state, value)
            continue
        if key == "taxonomy" and table.name == "taxonomy_terms":
            continue
        convert = plan.converters[key]
        try:
            converted = convert(value)
        except v.ValueProblem as problem:
            raise RowInvalid(key, problem.reason) from None
        if converted is None and key in plan.not_null:
            converted = plan.defaults[key]
        if key in plan.required_set and v.is_empty(converted):
            raise RowInvalid(key, _("is required"))
        if key == "number" and table.name == "phones":
            converted = _phone_number(state, row, converted)
        values[key] = converted
        if key in translated:
            values[f"{key}_{lang}"] = converted or None
    if "translations" in raw and "translations" in all_columns:
        read_translations(state, row, lang)
    elif table.name == "taxonomy_terms":
        for name in translated & set(raw):
            values.setdefault(f"{name}_{lang}", values.get(name) or None)
    if ("latitude" in raw or "longitude" in raw) and "latitude" in all_columns:
        read_position(state, row)
    row.missing_required = [name for name in plan.required if name not in values]
    check_table_rules(state, row)


def row_language(state: ImportState, row: Row) -> str:
    raw = row.raw
    if "content_language" in raw and not v.is_empty(raw["content_language"]):
        lang = v.to_text(raw["content_language"]).strip().lower()
        if lang not in state.languages:
            raise RowInvalid(
                "content_language",
                _("must be one of: %(choices)s") % {"choices": ", ".join(state.languages)},
            )
        return lang
    if row.table.name == "taxonomy_terms" and not v.is_empty(raw.get("language")):
        code = str(raw["language"]).strip().lower()
        code = _TERM_LANGUAGES.get(code, code)
        if code in state.languages:
            return code
    return state.language


def read_translations(state: ImportState, row: Row, lang: str) -> None:
    raw = row.raw.get("translations")
    try:
        data = v.parse_json_cell(raw) or {}
    except v.ValueProblem as problem:
        raise RowInvalid("translations", problem.reason) from None
    if not isinstance(data, dict):
        raise RowInvalid("translations", _("must be an object of languages"))
    plan = state.plans[row.table.name]
    is_term = row.table.name == "taxonomy_terms"
    for code in state.languages:
        if code == lang and not is_term:
            continue
        texts = data.get(code) or {}
        if not isinstance(texts, dict):
            raise RowInvalid("translations", _("must be an object of languages"))
        for name in row.table.translated:
            text = texts.get(name)
            if text is not None:
                try:
                    text = plan.converters[name](text)
                except v.ValueProblem as problem:
                    raise RowInvalid(f"translations.{code}.{name}", problem.reason) from None
            row.values[f"{name}_{code}"] = text or None
    unknown = set(data) - set(state.languages)
    if unknown:
        raise RowInvalid(
            "translations",
            _("must be one of: %(choices)s") % {"choices": ", ".join(state.languages)},
        )


def read_position(state: ImportState, row: Row) -> None:
    try:
        lat = v.to_float(row.raw.get("latitude"))
        lon = v.to_float(row.raw.get("longitude"))
    except v.ValueProblem as problem:
        raise RowInvalid("latitude", problem.reason) from None
    if lat is None and lon is None:
        if row.values.get("is_confidential"):
            # A public export leaves out a confidential location's position: not a removal.
            return
        row.values["point"] = None
        return
    if lat is None or lon is None:
        raise RowInvalid("latitude", _("give both latitude and longitude, or neither"))
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        row.warnings.append(
            ("latitude", _("coordinates out of range; the position was left empty"))
        )
        return
    row.values["point"] = f"SRID=4326;POINT({lon!r} {lat!r})"


def read_area(state: ImportState, value: Any) -> str | None:
    try:
        data = v.parse_json_cell(value)
    except v.ValueProblem as problem:
        raise RowInvalid("area", problem.reason) from None
    if data is None:
        return None
    try:
        geometry = GEOSGeometry(json.dumps(data))
    except (GEOSException, ValueError, TypeError):
        raise RowInvalid("area", _("must be a GeoJSON polygon or multipolygon")) from None
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry)
    if not isinstance(geometry, MultiPolygon):
        raise RowInvalid("area", _("must be a GeoJSON polygon or multipolygon"))
    geometry.srid = 4326
    return geometry.ewkt


def check_table_rules(state: ImportState, row: Row) -> None:
    values = row.values
    name = row.table.name
    if name in ("organizations", "services"):
        # The names the admin refuses, for the same reasons (services/validators.py).
        unsafe = unsafe_name(values)
        if unsafe is not None:
            raise RowInvalid(*unsafe)
    if name == "services":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            raise RowInvalid("maximum_age", _("is lower than the minimum age"))
        free, total = values.get("capacity_available"), values.get("capacity_total")
        if free is not None and total is not None and free > total:
            raise RowInvalid("capacity_available", _("is more than the total capacity"))
    elif name == "locations":
        kind = values.get("location_type", "physical")
        if values.get("is_confidential") and kind != "physical":
            raise RowInvalid("is_confidential", _("only a physical location can be confidential"))
        zone = values.get("time_zone")
        if zone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise RowInvalid("time_zone", _("is not a known time zone")) from None
    elif name == "schedules":
        plan = state.plans[name]
        # Validity depends on these fields only (services/hours.py); a directory repeats a
        # few hundred distinct rules, so each is parsed once, not once per schedule.
        key = tuple(values.get(k, plan.defaults.get(k)) for k in _SCHEDULE_RULE_FIELDS)
        reason = state.schedule_verdicts.get(key, _UNSEEN)
        if reason is _UNSEEN:
            candidate = types.SimpleNamespace(**dict(zip(_SCHEDULE_RULE_FIELDS, key, strict=True)))
            try:
                validate_schedule(candidate)
                reason = None
            except ValidationError as error:
                reason = " ".join(error.messages)
            if len(state.schedule_verdicts) < 100_000:
                state.schedule_verdicts[key] = reason
        if reason is not None:
            raise RowInvalid("schedule", reason)
