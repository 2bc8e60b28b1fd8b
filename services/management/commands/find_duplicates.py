"""python manage.py find_duplicates — queue possible duplicate listings for a steward's review."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from services.listings.duplicates import RECORD_TYPES, auto_merge_score, find_candidates, min_score
from services.models import DuplicateCandidate


class Command(BaseCommand):
    help = (
        "Compare organisations and services by name, phone, website, address and distance and "
        "list likely duplicates in the admin's review queue (nothing is merged unless "
        "DUPLICATES_AUTO_MERGE_SCORE is set)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", choices=RECORD_TYPES, action="append", dest="types")

    def handle(self, *args: Any, **options: Any) -> None:
        types = options["types"] or list(RECORD_TYPES)
        found = find_candidates(record_types=types)
        open_pairs = DuplicateCandidate.objects.filter(
            decision=DuplicateCandidate.Decision.OPEN, record_type__in=types
        ).count()
        merge_at = auto_merge_score()
        self.stdout.write(
            f"{found} candidate pairs at or above {min_score():.2f}; {open_pairs} await review"
            + (f"; pairs at or above {merge_at:.2f} were merged." if merge_at else ".")
        )
