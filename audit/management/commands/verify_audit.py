import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import verify

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "Checks the audit log's hash chain and reports the first event that was changed, removed "
        "or inserted out of order (exit status 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            help="ID:HASH printed by an earlier run; checks that event is still there, unchanged "
            "(catches events cut from the end of the log).",
        )

    def handle(self, *args: Any, anchor: str | None = None, **options: Any) -> None:
        parsed = None
        if anchor:
            match = _ANCHOR.match(anchor.strip())
            if not match:
                raise CommandError("--anchor must be ID:HASH (a number, a colon, 64 hex digits)")
            parsed = (int(match[1]), match[2])
        report = verify(anchor=parsed)
        if report.problem:
            raise CommandError(
                f"Audit log tampered with: {report.problem.message} "
                f"({report.count} events verified before it)."
            )
        if report.head_id is None:
            self.stdout.write("Audit log intact: no events yet.")
            return
        self.stdout.write(
            f"Audit log intact: {report.count} events. Head (keep a copy elsewhere, then check "
            f"with --anchor): {report.head_id}:{report.head_hash}"
        )
