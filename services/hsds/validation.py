"""Validating documents against the official HSDS 3.0 schemas, the way the specification's
maintainers do: `compiletojsonschema --set-additional-properties-false-everywhere` on the
schema, then `check-jsonschema`. Our documented extension fields (extensions.py) are added to the
compiled schema; nothing else is allowed.

The schemas are the specification's own, copied unchanged into services/hsds/schema/ (its
README names the version and source), so that validation needs nothing outside the repository.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from services.hsds.extensions import EXTENSIONS

# Which schema file describes each kind of document we produce.
SCHEMAS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "location": "location.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
    "phone": "phone.json",
    "contact": "contact.json",
    "schedule": "schedule.json",
    "language": "language.json",
    "attribute": "attribute.json",
    "metadata": "metadata.json",
    "funding": "funding.json",
    "service_area": "service_area.json",
}


# The HSDS 3.0 schemas and official examples, part of the repository.
SPEC_DIR = Path(__file__).resolve().parent / "schema"


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@cache
def compiled_schema(kind: str) -> dict[str, Any]:
    """The official schema for `kind`, compiled by the maintainers' tool with additional
    properties forbidden everywhere (once per process: it takes about half a second)."""
    result = subprocess.run(  # noqa: S603 - our own venv's tool on a fixed file
        [
            _tool("compiletojsonschema"),
            "--set-additional-properties-false-everywhere",
            SCHEMAS[kind],
        ],
        cwd=SPEC_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


def with_extensions(schema: dict[str, Any]) -> dict[str, Any]:
    """The compiled schema plus our documented extension fields, object by object (the compiled
    schema names each object node: "service", "phone", …)."""
    extended = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                name = node.get("name")
                for key, fragment in EXTENSIONS.get(name, {}).items():
                    properties.setdefault(key, fragment)
                for child in properties.values():
                    visit(child)
            for key in ("items", "oneOf", "anyOf", "allOf"):
                if key in node:
                    visit(node[key])
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(extended)
    return extended


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = with_extensions(compiled_schema(kind))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def problems(document: Any, kind: str) -> list[str]:
    """Every way `document` fails the extended official schema ([] when valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(
            validator(kind).iter_errors(document), key=lambda e: [str(p) for p in e.path]
        )
    ]


def check_with_cli(document_path: Path, kind: str, work_dir: Path) -> subprocess.CompletedProcess:
    """Runs the maintainers' own validator (check-jsonschema) on a file, with the extended
    compiled schema written next to it."""
    schema_path = work_dir / f"{kind}.schema.json"
    if not schema_path.exists():
        schema_path.write_text(json.dumps(with_extensions(compiled_schema(kind))))
    return subprocess.run(  # noqa: S603
        [_tool("check-jsonschema"), str(document_path), "--schemafile", str(schema_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
