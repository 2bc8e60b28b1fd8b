"""An import runs as a Celery task and keeps its ImportRun's progress up to date."""

import time

from services import models as m
from services.tasks import run_import


def _wait_until_done(run: m.ImportRun, seconds: float = 60) -> m.ImportRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (m.ImportRun.Status.FINISHED, m.ImportRun.Status.FAILED):
            return run
        time.sleep(0.2)
    raise AssertionError(f"import run still {run.status} after {seconds} s")


def test_a_background_import_reports_percent_and_counts(celery_worker, hsds_spec):
    run = m.ImportRun.objects.create(source=str(hsds_spec / "examples" / "csv"))

    run_import.delay(str(run.pk), "en")

    run = _wait_until_done(run)
    assert run.status == m.ImportRun.Status.FINISHED
    assert (run.total, run.processed, run.percent) == (20, 20, 100)
    assert run.created == 20 and run.updated == 0
    assert all(problem["level"] == "warning" for problem in run.errors)
    assert m.Service.objects.get().content_language == "en"


def test_a_finished_run_delivered_again_does_nothing(transactional_db, hsds_spec):
    run = m.ImportRun.objects.create(source=str(hsds_spec / "examples" / "csv"))
    run_import(str(run.pk), "en")
    run.refresh_from_db()
    finished_at = run.finished_at

    run_import(str(run.pk), "en")  # the broker may deliver a message twice

    run.refresh_from_db()
    assert run.finished_at == finished_at
    assert m.Metadata.objects.filter(import_run=run).count() == 19


def test_a_missing_source_fails_the_run_visibly(transactional_db, tmp_path):
    run = m.ImportRun.objects.create(source=str(tmp_path / "gone"))

    run_import(str(run.pk))

    run.refresh_from_db()
    assert run.status == m.ImportRun.Status.FAILED
    assert run.errors[0]["reason"].endswith("no existe")
