"""HSDS export: a folder of JSON documents (one per line, `.ndjson`) or the tabular CSV package.

By default an export is *public*: what anyone may know. A confidential location appears with its
name, type, region and intake phones only — no position, no address, no other phone, contact,
accessibility note or history — exactly as the public API shows it. `include_confidential=True`
(`export_hsds --include-confidential`) writes everything, for moving data between Enlace
installations; such a file must be handled like the database itself.

Our own import provenance (metadata rows written by imports) is not exported: it describes this
installation's import runs, not the listings. That is also what makes the round trip exact:
export, import into an empty database, export again gives identical files.

Everything is sorted by id, so two exports of the same data are byte for byte identical.
"""

# ruff: noqa: S608 - SQL here is built from the model's own table and column names and constant
# fragments; values are always query parameters.
from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from services.hsds import values as v
from services.hsds.public_filters import (
    ALWAYS_FILTERS,
    CONFIDENTIAL_LOCATION_HIDDEN,
    PUBLIC_BLANKED,
    PUBLIC_FILTERS,
)
from services.hsds.spec import BY_NAME, TABLES, Table, content_languages

BATCH = 1000
# Who edited a listing is staff's business; a public export names the directory instead.
PUBLIC_EDITOR = "Enlace"
Progress = Callable[[int], None]


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


class _Reader:
    """Reads rows of one table as HSDS dicts (every column, None where empty)."""

    def __init__(self, table: Table, *, public: bool):
        self.table = table
        self.public = public
        fields = {f.attname for f in table.model._meta.concrete_fields}
        self.langs = content_languages()
        select: list[str] = []
        self.keys: list[str] = []
        for column in table.all_columns:
            if column == "translations":
                continue
            if column == "latitude":
                select.append("ST_Y(t.point::geometry)")
            elif column == "longitude":
                select.append("ST_X(t.point::geometry)")
            elif column == "region_code":
                select.append("(SELECT r.code FROM services_region r WHERE r.id = t.region_id)")
            elif column == "area":
                select.append("ST_AsGeoJSON(t.area::geometry)")
            elif column == "taxonomy" and table.name == "taxonomy_terms":
                select.append("(SELECT x.name FROM services_taxonomy x WHERE x.id = t.taxonomy_id)")
            elif column in fields:
                select.append(f"t.{_qn(column)}")
            else:
                raise LookupError(f"{table.name}.{column} is neither a field nor computed")
            self.keys.append(column)
        for name in table.translated:
            for lang in self.langs:
                select.append(f"t.{_qn(f'{name}_{lang}')}")
                self.keys.append(f"{name}_{lang}")
        if table.has_content_language and "content_language" not in self.keys:
            select.append("t.content_language")
            self.keys.append("content_language")
        # Whether the row's blanked columns are hidden: asked once per row (one subplan), and
        # applied in row().
        self.blanked: tuple[str, ...] = ()
        if public and table.name in PUBLIC_BLANKED:
            self.blanked, hidden_when = PUBLIC_BLANKED[table.name]
            select.append(f"coalesce({hidden_when}, false)")
            self.keys.append("_blank")
        self.select = ", ".join(select)
        filters = [ALWAYS_FILTERS.get(table.name, "")]
        if public:
            filters.append(PUBLIC_FILTERS.get(table.name, ""))
        self.where = " AND ".join(f for f in filters if f) or "true"

    def sql(self, extra: str = "") -> str:
        where = f"{self.where} AND {extra}" if extra else self.where
        return f"SELECT {self.select} FROM {_qn(self.table.db_table)} t WHERE {where} ORDER BY t.id"  # nosec B608 — identifiers from model metadata (quote_name) and constant filters; values are bound parameters

    def row(self, values: tuple[Any, ...]) -> dict[str, Any]:
        raw = dict(zip(self.keys, values, strict=True))
        if raw.pop("_blank", False):
            for stem in self.blanked:
                raw[stem] = None
                raw.update({f"{stem}_{lang}": None for lang in self.langs})
        table = self.table
        out: dict[str, Any] = {}
        lang = raw.get("content_language")
        translations: dict[str, dict[str, str]] = {}
        for column in table.all_columns:
            if column == "translations":
                continue
            value = raw.get(column)
            if column in table.translated:
                if lang:
                    value = raw.get(f"{column}_{lang}") or value
                for code in self.langs:
                    text = raw.get(f"{column}_{code}")
                    if text and (code != lang or not table.has_content_language):
                        translations.setdefault(code, {})[column] = text
            out[column] = _plain(value)
        if "translations" in table.all_columns:
            out["translations"] = {code: translations[code] for code in sorted(translations)}
        if self.public and table.name == "locations" and out.get("is_confidential"):
            for column in CONFIDENTIAL_LOCATION_HIDDEN:
                out[column] = None
            for texts in out["translations"].values():
                texts.pop("description", None)
                texts.pop("transportation", None)
            out["translations"] = {c: t for c, t in out["translations"].items() if t}
        if self.public and table.name == "metadata":
            out["updated_by"] = PUBLIC_EDITOR
        if out.get("area"):
            out["area"] = json.loads(out["area"])
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return value
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def compact(row: dict[str, Any], table: Table) -> dict[str, Any]:
    """A row as a JSON document: empty values left out (HSDS validators refuse an empty e-mail
    or URL), except where the specification requires the field."""
    required = _REQUIRED.get(table.name, ())
    doc = {}
    for key, value in row.items():
        if value is None or value == "" or value == [] or value == {}:
            if key in required:
                doc[key] = "" if value is None else value
            continue
        doc[key] = _json_value(value)
    return doc


_REQUIRED = {
    "organizations": ("name", "description"),
    "services": ("name", "status"),
    "taxonomies": ("name", "description"),
    "taxonomy_terms": ("name", "description"),
    "programs": ("name", "description"),
    "addresses": ("address_1", "city", "state_province", "postal_code", "country", "address_type"),
    "metadata": (
        "last_action_date",
        "last_action_type",
        "field_name",
        "previous_value",
        "replacement_value",
        "updated_by",
    ),
    "organization_identifiers": ("identifier_type", "identifier"),
    "phones": ("number",),
    "locations": ("location_type",),
}


def _stream(reader: _Reader, extra: str = "", params: list[Any] | None = None) -> Iterator[dict]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(reader.sql(extra), params or [])
        while True:
            rows = cursor.fetchmany(2000)
            if not rows:
                return
            for values in rows:
                yield reader.row(values)


def _fetch(reader: _Reader, extra: str, params: list[Any]) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(reader.sql(extra), params)
        return [reader.row(values) for values in cursor.fetchall()]


def _count(table: Table, reader: _Reader) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_qn(table.db_table)} t WHERE {reader.where}")  # nosec B608 — identifiers from model metadata (quote_name) and constant filters; values are bound parameters
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------- CSV


def export_csv(path: Path, *, include_confidential: bool = False, progress: Progress | None = None):
    """Writes the tabular package: one CSV per table and datapackage.json."""
    path.mkdir(parents=True, exist_ok=True)
    resources = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        _snapshot(outermost)
        for table in TABLES:
            reader = _Reader(table, public=not include_confidential)
            header = list(table.all_columns)
            with (path / table.csv_path).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                for row in _stream(reader):
                    writer.writerow([v.csv_cell(row.get(column)) for column in header])
                    if progress:
                        progress(1)
            resources.append(_resource(table))
    package = {
        "name": "enlace_directory",
        "title": "Enlace directory (HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "resources": resources,
    }
    (path / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _resource(table: Table) -> dict[str, Any]:
    fields = {f.attname: f for f in table.model._meta.concrete_fields}
    schema_fields = []
    for column in table.all_columns:
        field = fields.get(column)
        kind = "string"
        if column in ("latitude", "longitude") or (
            field is not None and field.get_internal_type() in ("FloatField", "DecimalField")
        ):
            kind = "number"
        elif field is not None and "Integer" in field.get_internal_type():
            kind = "integer"
        elif field is not None and field.get_internal_type() == "BooleanField":
            kind = "boolean"
        entry: dict[str, Any] = {"name": column, "type": kind}
        if column not in table.columns:
            entry["description"] = "Enlace extension (see EXTENSIONS.md)"
        schema_fields.append(entry)
    return {
        "name": table.object_name,
        "path": table.csv_path,
        "format": "csv",
        "mediatype": "text/csv",
        "profile": "tabular-data-resource",
        "schema": {"primaryKey": "id", "fields": schema_fields},
    }


def _snapshot(outermost: bool) -> None:
    # One consistent picture of the directory, however long the export takes (when the export
    # owns its transaction; inside a caller's, the caller's snapshot rules).
    if outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def count_rows(*, include_confidential: bool = False) -> int:
    total = 0
    for table in TABLES:
        total += _count(table, _Reader(table, public=not include_confidential))
    return total


# ---------------------------------------------------------------------------- JSON


class _Nester:
    """Fetches the children of a batch of parents and nests them as HSDS documents do."""

    def __init__(self, public: bool):
        self.readers = {t.name: _Reader(t, public=public) for t in TABLES}
        self._link_entities: list[str] | None = None

    def children(self, table: str, column: str, parents: list[str]) -> dict[str, list[dict]]:
        reader = self.readers[table]
        grouped: dict[str, list[dict]] = {}
        if not parents:
            return grouped
        condition, params = f"t.{_qn(column)} = ANY(%s::uuid[])", [parents]
        if table == "attributes" and column == "link_id":
            # The only index on link_id is (link_entity, link_id): without a condition on
            # link_entity PostgreSQL walks the whole index for each batch. Naming every entity
            # present keeps the rows the same and lets the index be used.
            condition = f"t.link_entity = ANY(%s::text[]) AND {condition}"
            params = [self.link_entities(), parents]
        for row in _fetch(reader, condition, params):
            grouped.setdefault(row[column], []).append(row)
        return grouped

    def link_entities(self) -> list[str]:
        if self._link_entities is None:
            # A loose index scan: one index probe per distinct value, not a pass over the table.
            with connection.cursor() as cursor:
                cursor.execute(
                    "WITH RECURSIVE e(v) AS (SELECT min(link_entity) FROM services_attribute "
                    "UNION ALL SELECT (SELECT min(link_entity) FROM services_attribute "
                    "WHERE link_entity > e.v) FROM e WHERE e.v IS NOT NULL) "
                    "SELECT v FROM e WHERE v IS NOT NULL"
                )
                self._link_entities = [row[0] for row in cursor.fetchall()]
        return self._link_entities

    def phones(self, column: str, parents: list[str]) -> dict[str, list[dict]]:
        phones = self.children("phones", column, parents)
        ids = [p["id"] for rows in phones.values() for p in rows]
        languages = self.children("languages", "phone_id", ids)
        for rows in phones.values():
            for phone in rows:
                phone["languages"] = languages.get(phone["id"], [])
        return phones

    def contacts(self, column: str, parents: list[str]) -> dict[str, list[dict]]:
        contacts = self.children("contacts", column, parents)
        ids = [c["id"] for rows in contacts.values() for c in rows]
        phones = self.phones("contact_id", ids)
        for rows in contacts.values():
            for contact in rows:
                contact["phones"] = phones.get(contact["id"], [])
        return contacts

    def common(self, parents: list[str]) -> tuple[dict, dict]:
        attributes = self.children("attributes", "link_id", parents)
        metadata = self.children("metadata", "resource_id", parents)
        return attributes, metadata


def _documents(table: Table, nester: _Nester, nest: Callable[[list[dict]], None]) -> Iterator[dict]:
    reader = nester.readers[table.name]
    batch: list[dict] = []
    for row in _stream(reader):
        batch.append(row)
        if len(batch) >= BATCH:
            nest(batch)
            yield from batch
            batch = []
    if batch:
        nest(batch)
        yield from batch


def _nest_organizations(nester: _Nester) -> Callable[[list[dict]], None]:
    def nest(batch: list[dict]) -> None:
        ids = [row["id"] for row in batch]
        funding = nester.children("funding", "organization_id", ids)
        contacts = nester.contacts("organization_id", ids)
        phones = nester.phones("organization_id", ids)
        programs = nester.children("programs", "organization_id", ids)
        identifiers = nester.children("organization_identifiers", "organization_id", ids)
        attributes, metadata = nester.common(ids)
        for row in batch:
            key = row["id"]
            row["funding"] = funding.get(key, [])
            row["contacts"] = contacts.get(key, [])
            row["phones"] = phones.get(key, [])
            row["programs"] = programs.get(key, [])
            row["organization_identifiers"] = identifiers.get(key, [])
            row["attributes"] = attributes.get(key, [])
            row["metadata"] = metadata.get(key, [])

    return nest


def _nest_locations(nester: _Nester) -> Callable[[list[dict]], None]:
    def nest(batch: list[dict]) -> None:
        ids = [row["id"] for row in batch]
        languages = nester.children("languages", "location_id", ids)
        addresses = nester.children("addresses", "location_id", ids)
        contacts = nester.contacts("location_id", ids)
        accessibility = nester.children("accessibility", "location_id", ids)
        phones = nester.phones("location_id", ids)
        schedules = nester.children("schedules", "location_id", ids)
        attributes, metadata = nester.common(ids)
        for row in batch:
            key = row["id"]
            row["languages"] = languages.get(key, [])
            row["addresses"] = addresses.get(key, [])
            row["contacts"] = contacts.get(key, [])
            row["accessibility"] = accessibility.get(key, [])
            row["phones"] = phones.get(key, [])
            row["schedules"] = schedules.get(key, [])
            row["attributes"] = attributes.get(key, [])
            row["metadata"] = metadata.get(key, [])

    return nest


def _nest_services(nester: _Nester) -> Callable[[list[dict]], None]:
    def nest(batch: list[dict]) -> None:
        ids = [row["id"] for row in batch]
        sals = nester.children("service_at_locations", "service_id", ids)
        sal_ids = [s["id"] for rows in sals.values() for s in rows]
        sal_contacts = nester.contacts("service_at_location_id", sal_ids)
        sal_phones = nester.phones("service_at_location_id", sal_ids)
        sal_schedules = nester.children("schedules", "service_at_location_id", sal_ids)
        sal_attributes, sal_metadata = nester.common(sal_ids)
        for rows in sals.values():
            for sal in rows:
                key = sal["id"]
                sal["contacts"] = sal_contacts.get(key, [])
                sal["phones"] = sal_phones.get(key, [])
                sal["schedules"] = sal_schedules.get(key, [])
                sal["attributes"] = sal_attributes.get(key, [])
                sal["metadata"] = sal_metadata.get(key, [])
        phones = nester.phones("service_id", ids)
        parts = {
            name: nester.children(name, "service_id", ids)
            for name in (
                "schedules",
                "service_areas",
                "languages",
                "funding",
                "cost_options",
                "required_documents",
            )
        }
        contacts = nester.contacts("service_id", ids)
        attributes, metadata = nester.common(ids)
        for row in batch:
            key = row["id"]
            row["phones"] = phones.get(key, [])
            row["schedules"] = parts["schedules"].get(key, [])
            row["service_areas"] = parts["service_areas"].get(key, [])
            row["service_at_locations"] = sals.get(key, [])
            row["languages"] = parts["languages"].get(key, [])
            row["funding"] = parts["funding"].get(key, [])
            row["cost_options"] = parts["cost_options"].get(key, [])
            row["required_documents"] = parts["required_documents"].get(key, [])
            row["contacts"] = contacts.get(key, [])
            row["attributes"] = attributes.get(key, [])
            row["metadata"] = metadata.get(key, [])

    return nest


# Rows that no exported document nests (no owner, or an owner kind we do not nest under) go to a
# file of their own, so that nothing is lost.
_ORPHANS = {
    "contacts": "t.organization_id IS NULL AND t.service_id IS NULL "
    "AND t.service_at_location_id IS NULL AND t.location_id IS NULL",
    "phones": "t.location_id IS NULL AND t.service_id IS NULL AND t.organization_id IS NULL "
    "AND t.contact_id IS NULL AND t.service_at_location_id IS NULL",
    "languages": "t.service_id IS NULL AND t.location_id IS NULL AND t.phone_id IS NULL",
    "schedules": "t.service_id IS NULL AND t.location_id IS NULL "
    "AND t.service_at_location_id IS NULL",
    "service_areas": "t.service_id IS NULL",
    "funding": "t.organization_id IS NULL AND t.service_id IS NULL",
    "attributes": "NOT EXISTS (SELECT 1 FROM services_service o WHERE o.id = t.link_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_organization o WHERE o.id = t.link_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_location o WHERE o.id = t.link_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_serviceatlocation o WHERE o.id = t.link_id)",
    "metadata": "NOT EXISTS (SELECT 1 FROM services_service o WHERE o.id = t.resource_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_organization o WHERE o.id = t.resource_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_location o WHERE o.id = t.resource_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_serviceatlocation o WHERE o.id = t.resource_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_taxonomy o WHERE o.id = t.resource_id) "
    "AND NOT EXISTS (SELECT 1 FROM services_taxonomyterm o WHERE o.id = t.resource_id)",
}


def _nest_plain(nester: _Nester) -> Callable[[list[dict]], None]:
    def nest(batch: list[dict]) -> None:
        metadata = nester.children("metadata", "resource_id", [row["id"] for row in batch])
        for row in batch:
            row["metadata"] = metadata.get(row["id"], [])

    return nest


def export_json(
    path: Path, *, include_confidential: bool = False, progress: Progress | None = None
) -> None:
    """Writes taxonomies, taxonomy_terms, organizations, locations and services as `.ndjson`
    (one HSDS document per line), plus a file per table for rows no document nests."""
    path.mkdir(parents=True, exist_ok=True)
    public = not include_confidential
    nester = _Nester(public)
    plans: list[tuple[str, Callable[[list[dict]], None]]] = [
        ("taxonomies", _nest_plain(nester)),
        ("taxonomy_terms", _nest_plain(nester)),
        ("organizations", _nest_organizations(nester)),
        ("locations", _nest_locations(nester)),
        ("services", _nest_services(nester)),
    ]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        _snapshot(outermost)
        for name, nest in plans:
            table = BY_NAME[name]
            _write_ndjson(path / f"{name}.ndjson", table, _documents(table, nester, nest), progress)
        for name, condition in _ORPHANS.items():
            table = BY_NAME[name]
            target = path / f"{name}.ndjson"
            rows = list(_stream(nester.readers[name], condition))
            if name == "phones":
                languages = nester.children("languages", "phone_id", [r["id"] for r in rows])
                for row in rows:
                    row["languages"] = languages.get(row["id"], [])
            if name == "contacts":
                phones = nester.phones("contact_id", [r["id"] for r in rows])
                for row in rows:
                    row["phones"] = phones.get(row["id"], [])
            if rows:
                _write_ndjson(target, table, iter(rows), progress)
            elif target.exists():
                target.unlink()


def _write_ndjson(
    target: Path, table: Table, docs: Iterator[dict], progress: Progress | None
) -> None:
    with target.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(_compact_tree(doc, table), ensure_ascii=False) + "\n")
            if progress:
                progress(1)


def _compact_tree(doc: dict[str, Any], table: Table) -> dict[str, Any]:
    nested = {n.key: BY_NAME[n.table] for n in table.nested if n.many}
    out = compact({k: val for k, val in doc.items() if k not in nested}, table)
    for key, child_table in nested.items():
        if key in doc:
            out[key] = [_compact_tree(child, child_table) for child in doc[key]]
    return out


def count_documents(*, include_confidential: bool = False) -> int:
    """How many documents export_json writes (for a progress bar)."""
    total = 0
    for name in ("taxonomies", "taxonomy_terms", "organizations", "locations", "services"):
        table = BY_NAME[name]
        total += _count(table, _Reader(table, public=not include_confidential))
    return total
