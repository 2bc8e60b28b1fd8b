import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.anchor import AnchorError, anchor_path, read_anchors
from audit.chain import verify

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "Checks the audit log's keyed hash chain against AUDIT_CHAIN_KEY and every anchor in "
        "AUDIT_ANCHOR_DIR, and reports the first event that was changed, removed, re-hashed or "
        "inserted out of order (exit status 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            help="ID:HASH kept elsewhere (an earlier run prints one); checks that event is still "
            "there, unchanged, in addition to the anchor file.",
        )

    def handle(self, *args: Any, anchor: str | None = None, **options: Any) -> None:
        parsed = None
        if anchor:
            match = _ANCHOR.match(anchor.strip())
            if not match:
                raise CommandError("--anchor must be ID:HASH (a number, a colon, 64 hex digits)")
            parsed = (int(match[1]), match[2])
        try:
            kept = read_anchors()
        except AnchorError as error:
            raise CommandError(f"Audit anchors tampered with: {error}") from error
        where = anchor_path().name
        anchors = [(a.event_id, a.event_hash, f"{where} line {a.line_number}") for a in kept]
        report = verify(anchor=parsed, anchors=anchors)
        if report.problem:
            raise CommandError(
                f"Audit log tampered with: {report.problem.message} "
                f"({report.count} events verified before it)."
            )
        if report.head_id is None:
            self.stdout.write("Audit log intact: no events yet.")
            return
        self.stdout.write(
            f"Audit log intact: {report.count} events, {len(kept)} anchors checked. Head: "
            f"{report.head_id}:{report.head_hash}"
        )
