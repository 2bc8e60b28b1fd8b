"""Every imported record keeps where it came from (source, import run, time) as HSDS metadata."""

import json

from services import models as m
from services.hsds.exporter import export_json
from tests.hsds_tests.directory import run_import

ORG = "11111111-1111-4111-8111-111111111111"


def _write(tmp_path, name, docs):
    (tmp_path / name).write_text("".join(json.dumps(d) + "\n" for d in docs))


def test_each_imported_record_has_a_metadata_row_naming_the_run(db, tmp_path):
    _write(tmp_path, "organizations.ndjson", [
        {"id": ORG, "name": "Fundación", "description": "Ayuda",
         "phones": [{"id": "22222222-2222-4222-8222-222222222222", "number": "+57 601 555 0101"}]},
    ])  # fmt: skip

    run, report = run_import(tmp_path, updated_by="steward-ana")

    rows = m.Metadata.objects.filter(import_run=run)
    assert {(str(r.resource_id), r.resource_type) for r in rows} == {
        (ORG, "organization"),
        ("22222222-2222-4222-8222-222222222222", "phone"),
    }
    for row in rows:
        assert row.last_action_type == "create"
        assert row.source == str(tmp_path)
        assert row.updated_by == "steward-ana"
        assert run.started_at <= row.last_action_date <= run.finished_at


def test_a_changed_record_gets_an_update_entry_and_an_unchanged_one_none(db, tmp_path):
    doc = {"id": ORG, "name": "Fundación", "description": "Ayuda"}
    _write(tmp_path, "organizations.ndjson", [doc])
    run_import(tmp_path)
    _write(tmp_path, "organizations.ndjson", [doc])
    same, _ = run_import(tmp_path)
    _write(tmp_path, "organizations.ndjson", [{**doc, "description": "Ayuda legal"}])

    changed, report = run_import(tmp_path)

    assert not m.Metadata.objects.filter(import_run=same).exists()
    assert report.updated == 1
    entry = m.Metadata.objects.get(import_run=changed)
    assert entry.last_action_type == "update"
    assert m.Organization.objects.get(pk=ORG).description_es == "Ayuda legal"


def test_provenance_is_not_exported_but_hsds_history_is(directory, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    _write(source, "organizations.ndjson", [{"id": ORG, "name": "F", "description": "d"}])
    run_import(source)

    export_json(tmp_path / "out")

    lines = (tmp_path / "out" / "services.ndjson").read_text().splitlines()
    legal = next(json.loads(x) for x in lines if json.loads(x)["id"] == str(directory.legal.id))
    assert [entry["field_name"] for entry in legal["metadata"]] == ["name"]
    assert legal["metadata"][0]["updated_by"] == "Enlace"  # staff names stay inside
    everything = "".join(p.read_text() for p in (tmp_path / "out").iterdir())
    assert "import_run" not in everything and str(source) not in everything


SERVICE = "33333333-3333-4333-8333-333333333333"


def test_a_listings_history_names_the_import_run_that_made_or_changed_it(db, tmp_path):
    _write(tmp_path, "organizations.ndjson", [{"id": ORG, "name": "F", "description": "d"}])
    service = {"id": SERVICE, "organization_id": ORG, "name": "Albergue", "status": "active"}
    _write(tmp_path, "services.ndjson", [service])
    first, _ = run_import(tmp_path)
    _write(tmp_path, "services.ndjson", [service])
    run_import(tmp_path)  # nothing changed: no new version
    _write(tmp_path, "services.ndjson", [{**service, "name": "Albergue Norte"}])

    second, _ = run_import(tmp_path)

    versions = m.Service.history.filter(id=SERVICE).order_by("history_id")
    assert [(v.history_type, v.history_change_reason, v.name) for v in versions] == [
        ("+", f"import run {first.pk}", "Albergue"),
        ("~", f"import run {second.pk}", "Albergue Norte"),
    ]
    assert all(v.history_user is None for v in versions)
