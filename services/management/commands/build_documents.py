"""build_documents: builds the public documents (API items and result cards) of every active
service without current ones: after an import or generate_directory, whose bulk refreshes leave
them out to stay fast, or after a release that changed the cards (documents.card_key). Imports
queue the same work as a task (services.tasks.build_missing_documents)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from services.search import documents


class Command(BaseCommand):
    help = "Build the public documents of active services that have no current ones."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        built = documents.build_missing()
        seconds = time.monotonic() - started
        rate = built / seconds if seconds else 0.0
        self.stdout.write(
            f"{built} services given documents in {seconds:.1f} s ({rate:.0f} services/s)"
        )
