"""python manage.py export_hsds PATH --format json|csv — export the directory as HSDS 3.0."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from services.hsds import exporter


class Command(BaseCommand):
    help = (
        "Export the directory as HSDS 3.0: a folder of JSON documents (.ndjson, one per line) or "
        "the tabular CSV package with datapackage.json. Public data only, unless "
        "--include-confidential."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument(
            "--include-confidential",
            action="store_true",
            help=(
                "Also write confidential locations' exact positions, addresses and private "
                "phones. Only for moving data between Enlace installations: keep the files as "
                "safe as the database."
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        secret = options["include_confidential"]
        if secret:
            self.stderr.write(
                "Writing confidential locations' addresses and positions: keep these files "
                "private and delete them when done."
            )
        json_format = options["format"] == "json"
        total = (
            exporter.count_documents(include_confidential=secret)
            if json_format
            else exporter.count_rows(include_confidential=secret)
        )
        bar = tqdm(
            total=total,
            unit="doc" if json_format else "row",
            disable=options["no_progress"] or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        export = exporter.export_json if json_format else exporter.export_csv
        written = 0

        def progress(count: int) -> None:
            nonlocal written
            written += count
            bar.update(count)

        try:
            export(path, include_confidential=secret, progress=progress)
        finally:
            bar.close()
        self.stdout.write(f"Exported {written} {'documents' if json_format else 'rows'} to {path}.")
