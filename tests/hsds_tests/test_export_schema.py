"""Exported documents are valid HSDS 3.0 (plus our documented extensions)."""

import json

from services.hsds import validation
from services.hsds.exporter import export_json

KINDS = {
    "services.ndjson": "service",
    "organizations.ndjson": "organization",
    "locations.ndjson": "location",
    "taxonomies.ndjson": "taxonomy",
    "taxonomy_terms.ndjson": "taxonomy_term",
}


def test_every_exported_document_validates(directory, hsds_spec, tmp_path):
    export_json(tmp_path, include_confidential=True)

    checked = 0
    for name, kind in KINDS.items():
        for line in (tmp_path / name).read_text().splitlines():
            assert validation.problems(json.loads(line), kind) == [], name
            checked += 1
    assert checked >= 10


def test_the_maintainers_validator_accepts_an_exported_service(directory, hsds_spec, tmp_path):
    export_json(tmp_path / "out")
    first = (tmp_path / "out" / "services.ndjson").read_text().splitlines()[0]
    document = tmp_path / "service.json"
    document.write_text(first)

    result = validation.check_with_cli(document, "service", tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_an_undocumented_field_fails_validation(hsds_spec):
    document = {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "active",
                "secret_note": "nope"}  # fmt: skip

    assert any("secret_note" in problem for problem in validation.problems(document, "service"))


def test_every_extension_field_is_documented():
    from pathlib import Path

    from services.hsds.extensions import EXTENSIONS

    text = (Path(validation.__file__).parent / "EXTENSIONS.md").read_text()
    missing = {
        field for fields in EXTENSIONS.values() for field in fields if f"`{field}`" not in text
    }
    assert not missing
