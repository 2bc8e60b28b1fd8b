"""Validating documents against the official HSDS 3.0 schemas, the way the specification's
maintainers do: `compiletojsonschema --set-additional-properties-false-everywhere` on the
schema, then `check-jsonschema`. Our documented extension fields (extensions.py) are added to the
compiled schema; nothing else is allowed.

The schemas are not part of Enlace: they are read from a copy of the specification
(`../shared/hsds-3.0` next to the repository, or HSDS_SPEC_DIR).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings

from services.hsds.extensions import EXTENSIONS

# Which schema file describes each kind of document we produce.
SCHEMAS = {
    "service": "schema/compiled/service.json",
    "service_list": "schema/compiled/service_list.json",
    "organization": "schema/compiled/organization.json",
    "organization_list": "schema/compiled/organization_list.json",
    "service_at_location": "schema/compiled/service_at_location.json",
    "service_at_location_list": "schema/compiled/service_at_location_list.json",
    "location": "schema/location.json",
    "taxonomy": "schema/taxonomy.json",
    "taxonomy_term": "schema/taxonomy_term.json",
    "phone": "schema/phone.json",
    "contact": "schema/contact.json",
    "schedule": "schema/schedule.json",
    "language": "schema/language.json",
    "attribute": "schema/attribute.json",
    "metadata": "schema/metadata.json",
    "funding": "schema/funding.json",
    "service_area": "schema/service_area.json",
}


def spec_dir() -> Path | None:
    """The HSDS 3.0 specification folder, or None when this machine has no copy."""
    configured = os.environ.get("HSDS_SPEC_DIR") or getattr(settings, "HSDS_SPEC_DIR", "")
    candidate = (
        Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "hsds-3.0"
    )
    return candidate if (candidate / "schema").is_dir() else None


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@cache
def compiled_schema(kind: str) -> dict[str, Any]:
    """The official schema for `kind`, compiled by the maintainers' tool with additional
    properties forbidden everywhere (once per process: it takes about half a second)."""
    root = spec_dir()
    if root is None:
        raise FileNotFoundError("the HSDS 3.0 specification folder is not available")
    result = subprocess.run(  # noqa: S603 - our own venv's tool on a fixed file
        [
            _tool("compiletojsonschema"),
            "--set-additional-properties-false-everywhere",
            SCHEMAS[kind],
        ],
        cwd=root,
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
