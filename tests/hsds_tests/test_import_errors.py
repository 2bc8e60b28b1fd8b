"""Every invalid row is reported with its file, row and reason; a record is imported whole or
not at all."""

import csv
import json

import pytest

from services import models as m
from services.hsds.sources import SourceError
from tests.hsds_tests.directory import run_import

ORG_OK = "11111111-1111-4111-8111-111111111111"
ORG_BAD_MAIL = "22222222-2222-4222-8222-222222222222"
SERVICE_OK = "33333333-3333-4333-8333-333333333333"
SERVICE_OF_BAD_ORG = "44444444-4444-4444-8444-444444444444"
SERVICE_BAD_STATUS = "55555555-5555-4555-8555-555555555555"


def _write_csv(path, name, header, rows):
    with (path / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_each_invalid_csv_row_is_reported_with_file_row_and_reason(db, tmp_path):
    _write_csv(
        tmp_path,
        "organizations.csv",
        ["id", "name", "description", "email"],
        [
            [ORG_OK, "Fundación Buena", "Ayuda", "hola@buena.org"],
            [ORG_BAD_MAIL, "Fundación Mala", "Ayuda", "not-an-email"],
            ["not-a-uuid", "Sin id", "Ayuda", ""],
            ["66666666-6666-4666-8666-666666666666", "", "Sin nombre", ""],
        ],
    )
    _write_csv(
        tmp_path,
        "services.csv",
        ["id", "organization_id", "name", "status", "minimum_age"],
        [
            [SERVICE_OK, ORG_OK, "Albergue", "active", "18"],
            [SERVICE_OF_BAD_ORG, ORG_BAD_MAIL, "Asesoría", "active", ""],
            [SERVICE_BAD_STATUS, ORG_OK, "Comedor", "open-ish", "12"],
        ],
    )

    run, report = run_import(tmp_path)

    found = {(p.file, p.row, p.field) for p in report.errors}
    assert ("organizations.csv", "3", "email") in found
    assert ("organizations.csv", "4", "id") in found
    assert ("organizations.csv", "5", "name") in found
    assert ("services.csv", "3", "organization_id") in found
    assert ("services.csv", "4", "status") in found
    assert report.error_count == 5
    assert all(p.reason for p in report.errors)
    assert [str(pk) for pk in m.Organization.objects.values_list("id", flat=True)] == [ORG_OK]
    assert [str(pk) for pk in m.Service.objects.values_list("id", flat=True)] == [SERVICE_OK]
    # The run keeps the report for the admin.
    assert {(e["file"], e["row"]) for e in run.errors} >= {("services.csv", "4")}


def test_a_json_document_with_one_bad_part_is_rejected_whole(db, tmp_path):
    good = {
        "id": SERVICE_OK,
        "name": "Albergue",
        "status": "active",
        "organization": {"id": ORG_OK, "name": "Fundación", "description": "Ayuda"},
        "phones": [{"id": "77777777-7777-4777-8777-777777777777", "number": "+57 601 555 0101"}],
    }
    bad = {
        "id": SERVICE_BAD_STATUS,
        "name": "Comedor",
        "status": "active",
        "organization": {"id": ORG_BAD_MAIL, "name": "Otra", "description": "Ayuda"},
        "phones": [
            {"id": "88888888-8888-4888-8888-888888888888", "number": "+57 601 555 0102"},
            {
                "id": "99999999-9999-4999-8999-999999999999",
                "number": "+57 601 555 0103",
                "extension": "x",
            },
        ],
    }
    (tmp_path / "services.ndjson").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")

    _run, report = run_import(tmp_path)

    assert [(p.file, p.row, p.field) for p in report.errors] == [
        ("services.ndjson", "line 2 /phones/1", "extension")
    ]
    assert report.rejected_records == 1
    assert m.Service.objects.filter(pk=SERVICE_OK).exists()
    # Nothing of the rejected document: not its organisation, not its valid phone.
    assert not m.Organization.objects.filter(pk=ORG_BAD_MAIL).exists()
    assert not m.Phone.objects.filter(pk="88888888-8888-4888-8888-888888888888").exists()


def test_a_record_the_database_refuses_is_reported_and_the_rest_imported(db, tmp_path):
    service = {"id": SERVICE_OK, "name": "A", "status": "active",
               "organization": {"id": ORG_OK, "name": "F", "description": "d"}}  # fmt: skip
    location = {"id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "location_type": "physical"}
    first = {"id": "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "service_id": SERVICE_OK,
             "location_id": location["id"]}  # fmt: skip
    # The same service at the same location under another id: the database's unique rule.
    second = {**first, "id": "cccccccc-cccc-4ccc-8ccc-cccccccccccc"}
    (tmp_path / "locations.ndjson").write_text(json.dumps(location) + "\n")
    (tmp_path / "services.ndjson").write_text(json.dumps(service) + "\n")
    (tmp_path / "service_at_locations.ndjson").write_text(
        json.dumps(first) + "\n" + json.dumps(second) + "\n"
    )

    _run, report = run_import(tmp_path)

    assert report.error_count == 1
    problem = report.errors[0]
    assert problem.file == "service_at_locations.ndjson"
    assert problem.reason == "este servicio ya está vinculado a este lugar con otro id"
    assert m.ServiceAtLocation.objects.count() == 1
    assert m.Service.objects.filter(pk=SERVICE_OK).exists()


def test_an_unreadable_source_fails_the_run_with_a_reason(db, tmp_path):
    (tmp_path / "broken.json").write_text("{not json")

    with pytest.raises(SourceError):
        run_import(tmp_path)
    run = m.ImportRun.objects.get()
    assert run.status == m.ImportRun.Status.FAILED
    assert "broken.json" in run.errors[0]["reason"]


def test_unknown_fields_are_reported_once_not_stored(db, tmp_path):
    (tmp_path / "organizations.ndjson").write_text(
        json.dumps({"id": ORG_OK, "name": "F", "description": "d", "is_verified_partner": True})
        + "\n"
    )

    _run, report = run_import(tmp_path)

    assert [(p.level, p.field) for p in report.warnings] == [("warning", "is_verified_partner")]
    # Trust is a steward's decision: an import can never grant it.
    assert not m.Organization.objects.get(pk=ORG_OK).is_verified_partner
