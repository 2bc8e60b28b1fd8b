"""One import from start to finish, recorded on its ImportRun (what the admin shows).

The runner queues nothing itself: what follows a finished import (the duplicate search) is the
caller's `on_finished`, called once the import has committed, so that this module never imports
the tasks that call it."""

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
    country: str = "",
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int, ImportReport], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_finished: Callable[[ImportRun], object] | None = None,
) -> ImportReport:
    """Imports `path` into the directory and keeps `run` up to date as it goes.

    Raises SourceError when the source as a whole cannot be read; the run is then FAILED with the
    reason in its errors. `on_finished(run)` runs after the finished run has committed."""
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
            country=country,
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
    if on_finished is not None:
        transaction.on_commit(lambda: on_finished(run))
    return report


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
