"""Each committed chunk's services, and the services its other rows reach, get their search
columns on a second connection while the next chunk is written; nothing stays stale: a service
changed by a later chunk (a language in a later file) is refreshed again after that chunk, one
the refresher did and nothing changed since is not, and the end of the run has nothing left."""

import json
import threading
import uuid

import pytest
from django.db import connection

from services import models as m
from services.hsds.importer import importer, refresh
from tests.hsds_tests.directory import run_import

ORG = "11111111-1111-4111-8111-111111111111"
EARLY = uuid.UUID("33333333-3333-4333-8333-333333333331")
LATE = uuid.UUID("33333333-3333-4333-8333-333333333332")


def _write(folder, name: str, docs: list[dict]) -> None:
    (folder / name).write_text("".join(json.dumps(d) + "\n" for d in docs))


@pytest.fixture
def refresh_calls(monkeypatch) -> list[tuple[str, set[uuid.UUID]]]:
    """Every refresh the import asks for, with the thread that asked (the real refresh runs)."""
    calls: list[tuple[str, set[uuid.UUID]]] = []
    real = refresh.refresh_services

    def recording(ids, **kwargs):
        ids = list(ids)
        calls.append((threading.current_thread().name, {uuid.UUID(str(i)) for i in ids}))
        return real(ids, **kwargs)

    monkeypatch.setattr(refresh, "refresh_services", recording)
    monkeypatch.setattr(importer, "JSON_CHUNK", 1)  # one record a chunk: several chunks
    return calls


def test_a_service_changed_after_its_early_refresh_is_refreshed_again(
    transactional_db, tmp_path, refresh_calls
):
    _write(tmp_path, "organizations.ndjson", [{"id": ORG, "name": "Fundación", "description": "x"}])
    _write(tmp_path, "services.ndjson", [
        {"id": str(EARLY), "organization_id": ORG, "name": "Albergue Esperanza",
         "status": "active"},
        {"id": str(LATE), "organization_id": ORG, "name": "Asesoría Frontera",
         "status": "active"},
    ])  # fmt: skip
    # Read after the services (sources.py's dependency order): changes LATE after its chunk.
    _write(tmp_path, "languages.ndjson", [
        {"id": "44444444-4444-4444-8444-444444444444", "service_id": str(LATE), "code": "WAY"},
    ])  # fmt: skip

    run, report = run_import(tmp_path)

    assert report.error_count == 0 and run.status == m.ImportRun.Status.FINISHED
    early = [ids for thread, ids in refresh_calls if thread.startswith("hsds-refresh")]
    at_end = [ids for thread, ids in refresh_calls if not thread.startswith("hsds-refresh")]
    # Chunk by chunk, as each committed: the organisation (no service yet), each service, then
    # the language, which reaches LATE again; nothing is left for the end of the run.
    assert [ids for ids in early if ids] == [{EARLY}, {LATE}, {LATE}]
    assert not any(at_end)
    late = m.Service.objects.get(pk=LATE)
    assert late.language_codes == ["way"]
    assert m.SearchRow.objects.get(pk=LATE).language_codes == ["way"]
    for service_id, word in ((EARLY, "'alberg'"), (LATE, "'asesor")):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector::text FROM services_service WHERE id = %s", [service_id]
            )
            assert word in cursor.fetchone()[0]


def test_the_refresher_leaves_no_connection_open(transactional_db, tmp_path, refresh_calls):
    _write(tmp_path, "organizations.ndjson", [{"id": ORG, "name": "Fundación", "description": "x"}])
    _write(tmp_path, "services.ndjson", [
        {"id": str(EARLY), "organization_id": ORG, "name": "Albergue", "status": "active"},
    ])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        before = cursor.fetchone()[0]

    run_import(tmp_path)

    assert any(thread.startswith("hsds-refresh") for thread, _ids in refresh_calls)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        # At most as many as before: another test's Celery worker may have let go of its
        # connection meanwhile (seen on a fresh machine: 2 before, 1 after).
        assert cursor.fetchone()[0] <= before
