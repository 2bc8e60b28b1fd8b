"""python manage.py anchor_audit — append the audit chain's head to AUDIT_ANCHOR_DIR/anchors.log."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.anchor import AnchorError, anchor_path, write_anchor


class Command(BaseCommand):
    help = (
        "Appends the audit log's head (newest id and hash) to the anchor file outside the "
        "database; `make backup` and Celery beat (hourly) run it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor = write_anchor()
        except (AnchorError, OSError) as error:
            raise CommandError(f"No anchor written: {error}") from error
        if anchor is None:
            self.stdout.write("Audit log empty: nothing to anchor.")
            return
        self.stdout.write(f"Anchored event #{anchor.event_id} in {anchor_path()}")
