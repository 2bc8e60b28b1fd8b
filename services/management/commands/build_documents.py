"""build_documents: builds the public documents of every active service that has none (after
an import or generate_directory, whose bulk refreshes leave them out to stay fast)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from services.search import documents


class Command(BaseCommand):
    help = "Build the public API documents of active services that have none."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = documents.missing_ids()
        built = 0
        for start in range(0, len(ids), documents.CHUNK):
            built += documents.rebuild(ids[start : start + documents.CHUNK])
        self.stdout.write(f"{built} services given documents")
