"""Where HSDS data comes from: a folder (or file) of JSON documents, or a tabular CSV package.

Both yield *records*: a JSON document (one object with everything nested in it) or one CSV row.
A record is what an import accepts or rejects as a whole.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from services.hsds.spec import BY_CSV, BY_NAME, IGNORED_CSV, TABLES, Table
from services.hsds.values import restore_formula

# Long descriptions in CSV cells are legal; the csv module's default limit (128 KiB) is not HSDS's.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

# JSON files are read so that what a record needs comes first: services need their locations
# (through service_at_locations), which need their organisations.
_FIRST = ("taxonomies", "taxonomy_terms", "organizations", "programs", "locations", "services")
_RANK = {
    name: index
    for index, name in enumerate(
        [*_FIRST, *(table.name for table in TABLES if table.name not in _FIRST)]
    )
}
# Official file names ("service_full.json", "organization_list.json") name their object first;
# longer prefixes are tried first so that "service_at_location" is not read as "service".
_PREFIXES = (
    ("service_at_location", "service_at_locations"),
    ("taxonomy_term", "taxonomy_terms"),
    ("taxonomies", "taxonomies"),
    ("taxonomy", "taxonomies"),
    ("organization", "organizations"),
    ("service", "services"),
    ("location", "locations"),
)
_PAGE_KEYS = {"total_items", "contents"}
_PROFILE_KEYS = {"version", "profile", "openapi_url"}


class SourceError(Exception):
    """The source as a whole cannot be read (not one record of it)."""


@dataclass(frozen=True)
class Origin:
    file: str
    row: str  # "12" for a CSV row, "line 3 /phones/0" or "/contents/2" for JSON

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "row": self.row}


@dataclass
class Record:
    table: Table
    data: Any  # a dict for a well-formed record
    origin: Origin
    flat: bool = False  # a tabular row: no nesting to follow


def table_for_file(path: Path) -> Table | None:
    stem = path.name.split(".")[0].lower()
    if stem in BY_NAME:
        return BY_NAME[stem]
    for prefix, name in _PREFIXES:
        if stem.startswith(prefix):
            return BY_NAME[name]
    return None


def table_for_object(obj: dict[str, Any]) -> Table | None:
    keys = set(obj)
    if keys & {"service_at_locations", "status", "required_documents", "cost_options"}:
        return BY_NAME["services"]
    if keys & {"location_type", "latitude", "addresses", "accessibility"}:
        return BY_NAME["locations"]
    if keys & {"year_incorporated", "legal_status", "tax_status", "organization_identifiers"}:
        return BY_NAME["organizations"]
    if keys & {"term_uri", "taxonomy_detail", "parent_id", "code"}:
        return BY_NAME["taxonomy_terms"]
    if {"service_id", "location_id"} <= keys or keys & {"service", "location"}:
        return BY_NAME["service_at_locations"]
    return None


class Source:
    label: str

    def count(self) -> int:
        raise NotImplementedError

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def is_tabular(self) -> bool:
        return False


class JsonSource(Source):
    """A folder of `.json` and `.ndjson` files, or one such file.

    A `.json` file holds one object, a list of objects, an HSDS API page (`contents`), or the
    tabular form (`{"services.csv": [rows…]}`); an `.ndjson` file holds one object per line. Files
    are read in dependency order (taxonomies, terms, organisations, services, locations…), so a
    record may refer to records in earlier files."""

    def __init__(self, path: Path):
        self.path = path
        if path.is_dir():
            files = [p for p in path.iterdir() if p.suffix in (".json", ".ndjson") and p.is_file()]
        else:
            files = [path]
        self.label = path.name
        self.files = sorted(files, key=self._order)

    @staticmethod
    def _order(path: Path) -> tuple[int, str]:
        table = table_for_file(path)
        return (_RANK[table.name] if table else len(_RANK), path.name)

    def count(self) -> int:
        total = 0
        for path in self.files:
            if path.suffix == ".ndjson":
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += sum(1 for _record in self._records_of(path))
        return total

    def records(self) -> Iterator[Record]:
        for path in self.files:
            yield from self._records_of(path)

    def _records_of(self, path: Path) -> Iterator[Record]:
        hint = table_for_file(path)
        if path.suffix == ".ndjson":
            with path.open(encoding="utf-8-sig") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    origin = Origin(path.name, f"line {number}")
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        yield Record(hint or TABLES[0], None, origin)
                        continue
                    yield self._record(obj, hint, origin)
            return
        try:
            with path.open(encoding="utf-8-sig") as handle:
                document = json.load(handle)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceError(
                _("%(file)s is not valid JSON: %(error)s") % {"file": path.name, "error": exc}
            ) from exc
        yield from self._records_in(document, hint, path.name)

    def _records_in(self, document: Any, hint: Table | None, file: str) -> Iterator[Record]:
        if isinstance(document, list):
            for index, obj in enumerate(document):
                yield self._record(obj, hint, Origin(file, f"/{index}"))
        elif isinstance(document, dict) and set(document) >= _PAGE_KEYS:
            for index, obj in enumerate(document.get("contents") or []):
                yield self._record(obj, hint, Origin(file, f"/contents/{index}"))
        elif isinstance(document, dict) and document and all(k.endswith(".csv") for k in document):
            for table in TABLES:
                for index, row in enumerate(document.get(table.csv_path) or []):
                    origin = Origin(file, f"/{table.csv_path}/{index}")
                    row = {
                        k: restore_formula(v) if isinstance(v, str) else v for k, v in row.items()
                    }
                    yield Record(table, row, origin, flat=True)
        elif isinstance(document, dict) and set(document) <= _PROFILE_KEYS:
            return  # the API's description of itself (base.json): nothing to import
        else:
            yield self._record(document, hint, Origin(file, "/"))

    @staticmethod
    def _record(obj: Any, hint: Table | None, origin: Origin) -> Record:
        table = hint or (table_for_object(obj) if isinstance(obj, dict) else None)
        return Record(table or TABLES[0], obj if table else None, origin)


class CsvSource(Source):
    """The tabular package: one CSV file per HSDS table, described by `datapackage.json`."""

    def __init__(self, path: Path):
        self.path = path
        self.label = path.name
        self.files = self._resources()

    def is_tabular(self) -> bool:
        return True

    def _resources(self) -> list[tuple[Table, Path]]:
        paths: list[str] = []
        package = self.path / "datapackage.json"
        if package.exists():
            paths = [resource.get("path", "") for resource in self._package(package)]
        known = {p.name for p in self.path.glob("*.csv")}
        unknown = known - set(BY_CSV) - IGNORED_CSV
        if unknown:
            raise SourceError(
                _("Unknown CSV files in the package: %(files)s")
                % {"files": ", ".join(sorted(unknown))}
            )
        for name in paths:
            if name and name not in known and name in BY_CSV:
                raise SourceError(
                    _("datapackage.json lists %(file)s but the file is missing") % {"file": name}
                )
        return [(table, self.path / table.csv_path) for table in TABLES if table.csv_path in known]

    def _package(self, package: Path) -> list[dict[str, Any]]:
        text = package.read_text(encoding="utf-8-sig").strip()
        # A checkout without symlink support leaves "../../datapackage.json" as the file's text.
        if text and not text.startswith("{"):
            target = (package.parent / text).resolve()
            if not target.is_file():
                raise SourceError(_("datapackage.json cannot be read"))
            text = target.read_text(encoding="utf-8-sig")
        try:
            resources = json.loads(text).get("resources", [])
        except (ValueError, AttributeError) as exc:
            raise SourceError(_("datapackage.json cannot be read")) from exc
        return [r for r in resources if isinstance(r, dict)]

    def count(self) -> int:
        total = 0
        for _table, path in self.files:
            with path.open("rb") as handle:
                total += max(sum(1 for _line in handle) - 1, 0)
        return total

    def records(self) -> Iterator[Record]:
        for table, path in self.files:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                for row in reader:
                    # Spreadsheet numbering: the header is row 1.
                    origin = Origin(path.name, str(reader.line_num))
                    if None in row:
                        row.pop(None)
                        yield Record(table, None, origin, flat=True)
                        continue
                    row = {
                        k: restore_formula(v) if isinstance(v, str) else v for k, v in row.items()
                    }
                    yield Record(table, row, origin, flat=True)


def open_source(path: Path) -> Source:
    if not path.exists():
        raise SourceError(_("%(path)s does not exist") % {"path": path})
    if path.is_dir() and (
        (path / "datapackage.json").exists() or any(p.name in BY_CSV for p in path.glob("*.csv"))
    ):
        return CsvSource(path)
    if path.is_dir() or path.suffix in (".json", ".ndjson"):
        return JsonSource(path)
    raise SourceError(_("%(path)s is neither a folder nor a JSON file") % {"path": path})
