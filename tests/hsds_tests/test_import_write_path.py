"""What the import's cheaper write path must not change: new
services' search rows, left to the refresh that follows their chunk, end up exactly as a normal
write makes them; the setting that defers them ends with the chunk; provenance ids are
time-ordered; version rows are still written for every created or changed phone; a refresh the
refresher could not do is made up at the end."""

import json
import threading
import uuid

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from services import models as m
from services.hsds.exporter import export_json
from services.hsds.importer import importer, refresh
from services.search.index import refresh_services
from services.search.rows import DEFER_SETTING
from tests.hsds_tests.directory import run_import, wipe_directory


def _search_tables() -> tuple[list[str], list[str], list[str]]:
    """Every search row, facet row and service's search columns, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(r)::text FROM services_searchrow r ORDER BY id")
        rows = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT row_to_json(f)::text FROM services_searchfacet f ORDER BY facet, id")
        facets = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT concat_ws('|', id, search_vector, term_ids, region_ids, language_codes,"
            " open_week, time_zone, ST_AsText(search_points)) FROM services_service ORDER BY id"
        )
        columns = [r[0] for r in cursor.fetchall()]
    return rows, facets, columns


def _as_a_normal_write_leaves_them() -> tuple[list[str], list[str], list[str]]:
    """The search tables after every service is written again the ordinary way: an UPDATE
    (whose trigger upserts each search row, inserting a missing one) and a refresh."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services_service SET status = status")
    refresh_services(None)
    return _search_tables()


def _export_and_wipe(tmp_path):
    export_json(tmp_path / "out", include_confidential=True)
    wipe_directory()
    assert not m.SearchRow.objects.exists()
    return tmp_path / "out"


def test_an_import_leaves_the_search_tables_as_a_normal_write_would(directory, tmp_path):
    folder = _export_and_wipe(tmp_path)

    _run, report = run_import(folder)

    assert report.error_count == 0, report.errors
    imported = _search_tables()
    assert len(imported[0]) == m.Service.objects.count() == 4
    assert imported[1], "the directory's terms and languages make facet rows"
    assert imported == _as_a_normal_write_leaves_them()


@pytest.mark.django_db(transaction=True)
def test_with_the_early_refresher_the_search_tables_are_as_a_normal_write_leaves_them(
    directory, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "JSON_CHUNK", 2)  # several chunks, refreshed one by one
    folder = _export_and_wipe(tmp_path)

    _run, report = run_import(folder)

    assert report.error_count == 0, report.errors
    imported = _search_tables()
    assert len(imported[0]) == 4
    assert imported == _as_a_normal_write_leaves_them()


def test_the_deferral_ends_with_the_import(directory, tmp_path):
    folder = _export_and_wipe(tmp_path)
    run_import(folder)

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [DEFER_SETTING])
        assert cursor.fetchone()[0] != "on"
    # A service created afterwards in the same transaction gets its search row at once.
    service = m.Service.objects.create(
        organization=m.Organization.objects.first(), name="Refugio nuevo", status="active"
    )
    assert m.SearchRow.objects.filter(pk=service.pk).exists()


def test_provenance_ids_are_time_ordered(directory, tmp_path):
    folder = _export_and_wipe(tmp_path)
    run, _report = run_import(folder)

    entries = list(m.Metadata.objects.filter(import_run=run))
    assert entries
    for entry in entries:
        assert entry.id.version == 7
        assert int.from_bytes(entry.id.bytes[:6], "big") == int(entry.created_at.timestamp() * 1000)
    assert len({entry.id for entry in entries}) == len(entries)


def test_a_changed_phone_gets_a_version_naming_the_run(directory, tmp_path):
    folder = _export_and_wipe(tmp_path)
    first, _report = run_import(folder)
    phone = m.Phone.objects.get(number="+576075550100")  # the shelter organisation's line
    for path in folder.iterdir():
        path.write_text(path.read_text().replace(phone.number, "+573009999999"))

    second, _report = run_import(folder)

    # (wipe_directory leaves the fixture's own versions, written by the ORM)
    versions = m.Phone.history.filter(
        id=phone.pk, history_change_reason__startswith="import run"
    ).order_by("history_id")
    assert [(v.history_type, v.history_change_reason, v.number) for v in versions] == [
        ("+", f"import run {first.pk}", phone.number),
        ("~", f"import run {second.pk}", "+573009999999"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_chunk_the_refresher_could_not_do_is_refreshed_at_the_end(
    directory, tmp_path, monkeypatch
):
    real = refresh.refresh_services
    at_end: list[set[uuid.UUID]] = []

    def failing_early(ids, **kwargs):
        ids = list(ids)
        if threading.current_thread().name.startswith("hsds-refresh"):
            raise DatabaseError("as if the refresher's connection had dropped")
        at_end.append(set(ids))
        return real(ids, **kwargs)

    monkeypatch.setattr(refresh, "refresh_services", failing_early)
    folder = _export_and_wipe(tmp_path)

    _run, report = run_import(folder)

    assert report.error_count == 0, report.errors
    assert set().union(*at_end) == set(m.Service.objects.values_list("id", flat=True))
    imported = _search_tables()
    assert len(imported[0]) == 4
    assert imported == _as_a_normal_write_leaves_them()


def test_a_record_refused_in_its_chunk_but_in_the_directory_still_satisfies_a_reference(
    db, tmp_path
):
    # Rows of the same chunk are not looked up in the directory; when one is refused, the rows
    # that refer to it ask then.
    org = "11111111-1111-4111-8111-111111111111"
    service = "33333333-3333-4333-8333-333333333333"
    option = "77777777-7777-4777-8777-777777777777"
    first = tmp_path / "first"
    first.mkdir()
    (first / "services.ndjson").write_text(
        json.dumps({"id": service, "name": "Albergue", "status": "active",
                    "organization": {"id": org, "name": "Fundación", "description": "d"}})
        + "\n"
    )  # fmt: skip
    run_import(first)
    second = tmp_path / "second"
    second.mkdir()
    (second / "services.ndjson").write_text(
        json.dumps({"id": service, "organization_id": org, "name": "Albergue",
                    "status": "open-ish"}) + "\n"
    )  # fmt: skip
    # A cost option must name its service (a required reference).
    (second / "cost_options.ndjson").write_text(
        json.dumps({"id": option, "service_id": service, "option": "Gratis"}) + "\n"
    )

    _run, report = run_import(second)

    assert [(p.file, p.field) for p in report.errors] == [("services.ndjson", "status")]
    assert m.CostOption.objects.get(pk=option).service_id == uuid.UUID(service)
    assert m.Service.objects.get(pk=service).status == "active"


@pytest.mark.django_db(transaction=True)
def test_each_chunk_writes_only_its_own_rows(tmp_path, monkeypatch):
    # The temporary tables are emptied by each chunk's commit, not by a TRUNCATE. A row left
    # from the chunk before would be written again with the next chunk's columns: here the
    # first service's description, which its own record left out, would be blanked.
    monkeypatch.setattr(importer, "JSON_CHUNK", 1)
    org = "11111111-1111-4111-8111-111111111111"
    first, second = (
        "33333333-3333-4333-8333-333333333331",
        "33333333-3333-4333-8333-333333333332",
    )
    base = {"organization_id": org, "status": "active"}
    (tmp_path / "organizations.ndjson").write_text(
        json.dumps({"id": org, "name": "Fundación", "description": "d"}) + "\n"
    )
    services = tmp_path / "services.ndjson"
    services.write_text(
        json.dumps({**base, "id": first, "name": "Albergue", "description": "Camas"}) + "\n"
    )
    run_import(tmp_path)
    services.write_text(
        json.dumps({**base, "id": first, "name": "Albergue Sur"})
        + "\n"
        + json.dumps({**base, "id": second, "name": "Comedor", "description": "Almuerzo"})
        + "\n"
    )

    _run, report = run_import(tmp_path)

    assert report.error_count == 0, report.errors
    kept = m.Service.objects.get(pk=first)
    assert (kept.name, kept.description) == ("Albergue Sur", "Camas")
    assert m.Service.objects.get(pk=second).description == "Almuerzo"


def test_an_organisation_written_by_an_earlier_chunk_is_not_looked_up_again(
    db, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "JSON_CHUNK", 1)
    org = "11111111-1111-4111-8111-111111111111"
    (tmp_path / "organizations.ndjson").write_text(
        json.dumps({"id": org, "name": "Fundación", "description": "d"}) + "\n"
    )
    (tmp_path / "services.ndjson").write_text(
        "".join(
            json.dumps({"id": f"33333333-3333-4333-8333-33333333333{n}", "organization_id": org,
                        "name": f"Albergue {n}", "status": "active"}) + "\n"
            for n in range(3)
        )
    )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        _run, report = run_import(tmp_path)

    assert report.error_count == 0, report.errors
    assert m.Service.objects.filter(organization_id=org).count() == 3
    asked = [q["sql"] for q in queries if 'FROM "services_organization" WHERE id' in q["sql"]]
    assert asked == []
