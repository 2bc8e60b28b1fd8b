"""One import from start to finish, recorded on its ImportRun (what the admin shows)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services.hsds.importer import MAX_STORED_PROBLEMS, Importer, ImportReport, Problem
from services.hsds.sources import SourceError, open_source
from services.models import ImportRun

logger = logging.getLogger(__name__)


def import_path(
    path: Path,
    *,
    run: ImportRun,
    language: str = "es",
    updated_by: str = "import",
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int, ImportReport], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    find_duplicates: bool = True,
) -> ImportReport:
    """Imports `path` into the directory and keeps `run` up to date as it goes.

    Raises SourceError when the source as a whole cannot be read; the run is then FAILED with the
    reason in its errors."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.errors = []
    run.save(update_fields=["status", "started_at", "errors", "last_modified"])
    try:
        source = open_source(path)
        run.total = source.count()
        ImportRun.objects.filter(pk=run.pk).update(total=run.total)
        if on_total:
            on_total(run.total)

        def progress(processed: int, report: ImportReport) -> None:
            ImportRun.objects.filter(pk=run.pk).update(
                processed=processed,
                created=report.created,
                updated=report.updated,
                last_modified=timezone.now(),
            )
            if on_progress:
                on_progress(processed, report)

        importer = Importer(
            source,
            run=run,
            language=language,
            updated_by=updated_by,
            on_progress=progress,
            on_problem=on_problem,
        )
        report = importer.run_import()
    except SourceError as error:
        _finish(run, ImportRun.Status.FAILED, [_problem_dict(str(error))])
        raise
    except Exception:
        logger.exception("import run %s failed", run.pk)
        _finish(run, ImportRun.Status.FAILED, [_problem_dict(_("The import stopped on an error."))])
        raise
    run.processed = report.records
    run.created = report.created
    run.updated = report.updated
    problems = [p.as_dict() for p in report.problems]
    hidden = report.error_count + report.warning_count - len(problems)
    if hidden > 0:
        problems.append(
            _problem_dict(
                ngettext(
                    "%(count)d more problem is not listed here (the first %(shown)d are).",
                    "%(count)d more problems are not listed here (the first %(shown)d are).",
                    hidden,
                )
                % {"count": hidden, "shown": MAX_STORED_PROBLEMS},
                level="warning",
            )
        )
    _finish(run, ImportRun.Status.FINISHED, problems)
    if find_duplicates:
        # After the commit, as a task of its own: the search for duplicates took a third of an
        # import's time when it ran inline (bench/README.md).
        transaction.on_commit(lambda: queue_duplicate_search(run))
    return report


def queue_duplicate_search(run: ImportRun) -> bool:
    """Queues the duplicate search of a finished run; False (and a log line) when the broker
    cannot take it: the import stands, and `find_duplicates` can be run by hand."""
    from services.tasks import find_import_duplicates

    try:
        find_import_duplicates.delay(str(run.pk))
    except Exception:  # noqa: BLE001 - any broker failure; the import itself is done
        logger.warning("import run %s: the duplicate search could not be queued", run.pk)
        return False
    return True


def _problem_dict(reason: str, level: str = "error") -> dict[str, str]:
    return {
        "level": level,
        "file": "",
        "row": "",
        "object": "",
        "id": "",
        "field": "",
        "reason": reason,
    }


def _finish(run: ImportRun, status: str, errors: list[dict[str, str]]) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.errors = errors
    if status == ImportRun.Status.FINISHED:
        run.processed = max(run.processed, run.total) if run.total else run.processed
    run.save()
