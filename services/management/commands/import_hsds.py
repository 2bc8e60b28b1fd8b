"""python manage.py import_hsds PATH — import HSDS 3.0 data (JSON documents or a CSV package)."""

import csv
import functools
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from services.hsds.importer import ImportReport, Problem
from services.hsds.runner import import_path
from services.hsds.sources import SourceError
from services.hsds.spec import content_languages
from services.models import ImportRun
from services.tasks import queue_after_import


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 data from a folder of JSON documents (.json/.ndjson), one JSON file, or "
        "a tabular CSV package with its datapackage.json. Records with the same id are updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--language",
            default="es",
            choices=content_languages(),
            help="Language of the texts when a record does not say (content_language).",
        )
        parser.add_argument(
            "--report",
            type=Path,
            help="Write every error and warning (file, row, reason) to this CSV file.",
        )
        parser.add_argument(
            "--no-duplicates",
            action="store_true",
            help=(
                "Do not queue the search for duplicate listings, a Celery task that runs once "
                "the import has committed (find_duplicates runs it by hand)."
            ),
        )
        parser.add_argument(
            "--country",
            default="",
            help=(
                "Two-letter country code (CO, US…) to read phone numbers written without + and "
                "a country code; without it such numbers are reported and their rows skipped."
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if options["country"] and not re.fullmatch(r"[A-Za-z]{2}", options["country"]):
            raise CommandError("--country takes a two-letter country code, for example CO.")
        run = ImportRun.objects.create(source=str(path)[:500])
        report_file = (
            options["report"].open("w", newline="", encoding="utf-8") if options["report"] else None
        )
        writer = csv.writer(report_file) if report_file else None
        if writer:
            writer.writerow(["level", "file", "row", "object", "id", "field", "reason"])
        bar = tqdm(
            total=0,
            unit="rec",
            disable=options["no_progress"] or not sys.stderr.isatty(),
            file=sys.stderr,
        )

        def on_total(total: int) -> None:
            bar.reset(total=total)

        def on_progress(processed: int, report: ImportReport) -> None:
            bar.n = processed
            bar.set_postfix(
                created=report.created, updated=report.updated, errors=report.error_count
            )
            bar.refresh()

        def on_problem(problem: Problem) -> None:
            if writer:
                writer.writerow(problem.as_dict().values())

        try:
            report = import_path(
                path,
                run=run,
                language=options["language"],
                updated_by="import_hsds",
                country=options["country"],
                on_total=on_total,
                on_progress=on_progress,
                on_problem=on_problem,
                on_finished=functools.partial(
                    queue_after_import, duplicates=not options["no_duplicates"]
                ),
            )
        except SourceError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
            if report_file:
                report_file.close()
        self.stdout.write(
            f"{report.records} records read: {report.created} rows created, {report.updated} "
            f"updated, {report.unchanged} unchanged; {report.rejected_records} records rejected; "
            f"{report.error_count} errors, {report.warning_count} warnings (import run {run.pk})."
        )
        for problem in report.problems[:50]:
            where = f"{problem.file}:{problem.row}".rstrip(":")
            self.stdout.write(
                f"  {problem.level}: {where} {problem.object} {problem.record_id} "
                f"{problem.field}: {problem.reason}".replace("  ", " ")
            )
        if len(report.problems) > 50:
            self.stdout.write(f"  … and {report.error_count + report.warning_count - 50} more.")
