"""Celery tasks of the directory: imports, their duplicate search and public documents,
verification reminders.

Each task takes ids only (the broker stores its arguments) and is idempotent."""

from __future__ import annotations

import logging
from pathlib import Path

from celery import shared_task
from django.utils import translation

from services.hsds.runner import import_path
from services.hsds.sources import SourceError
from services.hsds.spec import content_languages
from services.models import ImportRun

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_import(run_id: str, language: str = "es") -> None:
    """Runs the import an ImportRun describes (its source is a path on the shared import volume).

    Idempotent: a finished run is left alone, and a run interrupted by a dying worker is simply
    run again when the broker re-delivers it (the import updates records by id)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (ImportRun.Status.FINISHED, ImportRun.Status.FAILED):
        return
    if language not in content_languages():
        language = "es"
    username = run.started_by.get_username() if run.started_by else "import"
    with translation.override("es"):
        try:
            import_path(
                Path(run.source),
                run=run,
                language=language,
                updated_by=username,
                on_finished=queue_after_import,
            )
        except SourceError:
            logger.info("import run %s: the source could not be read", run_id)


def queue_after_import(run: ImportRun, *, duplicates: bool = True) -> None:
    """What follows a finished import, each its own task: the public documents of the listings
    it wrote (the import's bulk refresh leaves them out to stay fast) and, unless told not to,
    its duplicate search."""
    queue_document_build(run)
    if duplicates:
        queue_duplicate_search(run)


def queue_document_build(run: ImportRun) -> bool:
    """Queues the build of the public documents the import left out; False (and a log line)
    when the broker cannot take it: until `build_documents` runs, those listings are drawn from
    the models, as correct and slower."""
    try:
        build_missing_documents.delay()
    except Exception:  # noqa: BLE001 - any broker failure; the import itself is done
        logger.warning("import run %s: the public documents could not be queued", run.pk)
        return False
    return True


def queue_document_rebuild(service_ids: list) -> bool:
    """Queues the rebuild of these services' public documents (ids only); False (and a log
    line) when the broker cannot take it: until the next build those listings are drawn from
    the models, as correct and slower."""
    try:
        rebuild_documents.delay([str(service_id) for service_id in service_ids])
    except Exception:  # noqa: BLE001 - any broker failure; the write itself is done
        logger.warning("the public documents of %s services could not be queued", len(service_ids))
        return False
    return True


@shared_task(acks_late=True)
def rebuild_documents(service_ids: list[str]) -> int:
    """Rebuilds the public documents of these services (idempotent: a second delivery rebuilds
    the same documents from the same rows)."""
    from services.search import documents

    return documents.rebuild(service_ids)


@shared_task(acks_late=True)
def build_missing_documents() -> int:
    """Builds the public documents of every active service without current ones, a chunk at a
    time, each chunk its own transaction (services/search/documents.py). Takes no arguments and
    is idempotent: a second run, or one after a crash, builds what is still missing."""
    from services.search import documents

    built = documents.build_missing()
    logger.info("public documents built for %s services", built)
    return built


def queue_duplicate_search(run: ImportRun) -> bool:
    """Queues the duplicate search of a finished run; False (and a log line) when the broker
    cannot take it: the import stands, and `find_duplicates` can be run by hand.

    A task of its own, after the import's commit, so that the search never holds an import up."""
    try:
        find_import_duplicates.delay(str(run.pk))
    except Exception:  # noqa: BLE001 - any broker failure; the import itself is done
        logger.warning("import run %s: the duplicate search could not be queued", run.pk)
        return False
    return True


@shared_task(acks_late=True)
def find_import_duplicates(run_id: str) -> int:
    """Queues the possible duplicates among the listings a finished import run wrote.

    Its own task, queued once the import has committed, so that an import is not held up by it
    and a failure here cannot undo an import. Takes the run's id only. Idempotent: pairs are
    upserted, and decided pairs are left alone."""
    from services.listings.duplicates import find_candidates

    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.FINISHED:
        return 0
    found = find_candidates(run=run)
    logger.info("import run %s: %s possible duplicate pairs", run_id, found)
    return found


@shared_task(acks_late=True)
def send_verification_reminders() -> int:
    """Weekly (Celery beat): each organisation admin's listings due for verification. Takes no
    arguments and is idempotent within a week (services/listings/reminders.py)."""
    from services.listings.reminders import send_weekly_reminders

    return send_weekly_reminders()
