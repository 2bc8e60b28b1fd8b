"""import_hsds, export_hsds and find_duplicates from the command line."""

import csv

from django.core.management import call_command

from services import models as m
from tests.hsds_tests.directory import SECRET_STREET


def test_import_hsds_writes_a_full_error_report(db, tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    (source / "organizations.csv").write_text(
        "id,name,description,email\n"
        "11111111-1111-4111-8111-111111111111,Fundación,Ayuda,hola@example.org\n"
        "22222222-2222-4222-8222-222222222222,Otra,Ayuda,nope\n"
    )

    call_command("import_hsds", str(source), "--report", str(tmp_path / "report.csv"),
                 "--no-progress")  # fmt: skip

    with (tmp_path / "report.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["level"], r["file"], r["row"], r["field"]) for r in rows] == [
        ("error", "organizations.csv", "3", "email")
    ]
    out = capsys.readouterr().out
    assert "2 records read" in out and "1 records rejected" in out
    run = m.ImportRun.objects.get()
    assert (run.status, run.created, run.processed) == ("finished", 1, 2)


def test_export_hsds_writes_either_format(directory, tmp_path, capsys):
    call_command("export_hsds", str(tmp_path / "json"), "--no-progress")
    call_command("export_hsds", str(tmp_path / "csv"), "--format", "csv", "--no-progress")

    assert (tmp_path / "json" / "services.ndjson").exists()
    assert (tmp_path / "csv" / "datapackage.json").exists()
    assert SECRET_STREET not in (tmp_path / "csv" / "addresses.csv").read_text()
    assert "Exported" in capsys.readouterr().out


def test_export_hsds_include_confidential_warns(directory, tmp_path, capsys):
    call_command("export_hsds", str(tmp_path / "all"), "--include-confidential", "--no-progress")

    assert SECRET_STREET in (tmp_path / "all" / "locations.ndjson").read_text()
    assert "keep these files private" in capsys.readouterr().err


def test_find_duplicates_queues_pairs(db, capsys):
    org = m.Organization.objects.create(name="F", description="x")
    for name in ("Albergue Norte", "Albergue del Norte"):
        service = m.Service.objects.create(organization=org, name=name, name_es=name)
        m.Phone.objects.create(service=service, number="+57 607 555 0101")

    call_command("find_duplicates", "--type", "service")

    assert m.DuplicateCandidate.objects.filter(record_type="service").count() == 1
    assert "1 await review" in capsys.readouterr().out
