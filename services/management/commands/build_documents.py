"""build_documents: builds the public documents (API items and result cards) of every active
service without current ones: after an import or generate_directory, whose bulk refreshes leave
them out to stay fast, or after a release that changed the cards (documents.card_key). Imports
queue the same work as a task (services.tasks.build_missing_documents)."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from services.search import documents


def _build_share(ids: list[Any]) -> int:
    # A forked child must not share its parent's socket to PostgreSQL: it opens its own.
    connections.close_all()
    try:
        return documents.rebuild(ids)
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Build the public documents of active services that have no current ones."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Build in this many processes side by side (the build is CPU-bound Python: "
            "up to one per core; each opens its own database connection).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        processes = options["processes"]
        if processes < 1:
            raise CommandError("--processes must be 1 or more.")
        started = time.monotonic()
        if processes == 1:
            built = documents.build_missing()
        else:
            ids = documents.missing_ids()
            # Chunks dealt round-robin, so every process gets old and new listings alike.
            chunks = [ids[i : i + documents.CHUNK] for i in range(0, len(ids), documents.CHUNK)]
            shares = [list(itertools.chain(*chunks[p::processes])) for p in range(processes)]
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                built = sum(pool.map(_build_share, [share for share in shares if share]))
        seconds = time.monotonic() - started
        rate = built / seconds if seconds else 0.0
        self.stdout.write(
            f"{built} services given documents in {seconds:.1f} s ({rate:.0f} services/s)"
        )
