"""Re-wrap every handoff data key under the current master key.

Put the new key first in HANDOFF_MASTER_KEYS and keep the old one after it
(`HANDOFF_MASTER_KEYS=v2:NEW,v1:OLD`), restart, then run this. Only the wrapped data keys change;
no ciphertext is touched. It is idempotent (a key already under the current id is left alone)
and resumable (each batch commits; run it again after an interruption and it carries on). When
it reports nothing left, the old key can be dropped from HANDOFF_MASTER_KEYS.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from referrals import crypto
from referrals.models import HandoffKey


class Command(BaseCommand):
    help = "Re-wraps every handoff data key under the current master key (no ciphertext changes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=500, help="keys per transaction")

    def handle(self, *args: Any, batch: int = 500, **options: Any) -> None:
        from audit import record

        problem = crypto.configuration_problem()
        if problem:
            raise CommandError(problem)
        current, keys = crypto.master_keys()
        pending = HandoffKey.objects.exclude(master_key_id=current)
        total = pending.count()
        missing = sorted(
            set(pending.values_list("master_key_id", flat=True).distinct()) - set(keys)
        )
        if missing:
            raise CommandError(
                "Some data keys were wrapped under keys not in HANDOFF_MASTER_KEYS: "
                + ", ".join(missing)
                + ". Add them (after the current key) and run again."
            )
        record(
            actor=None,
            action="referrals.key_rotation_started",
            details={"to": current, "pending": total},
        )
        done = 0
        failed: list[Any] = []  # ids left as they were, so the next batch does not retry them
        while True:
            with transaction.atomic():
                # skip_locked: a second run at the same time takes other rows, never the same.
                rows = list(
                    HandoffKey.objects.select_for_update(skip_locked=True)
                    .exclude(master_key_id=current)
                    .exclude(pk__in=failed)
                    .order_by("created_at", "id")[:batch]
                )
                if not rows:
                    break
                for key in rows:
                    try:
                        wrapped, key_id = crypto.rewrap(
                            bytes(key.wrapped_key), key_id=key.master_key_id
                        )
                    except crypto.HandoffUnreadable:
                        failed.append(key.pk)
                        continue
                    key.wrapped_key = wrapped
                    key.master_key_id = key_id
                    key.save(update_fields=["wrapped_key", "master_key_id"])
                    done += 1
            self.stdout.write(_progress(done + len(failed), total))
        record(
            actor=None,
            action="referrals.key_rotation_finished",
            details={"to": current, "rewrapped": done, "failed": len(failed)},
        )
        left = HandoffKey.objects.exclude(master_key_id=current).count()
        self.stdout.write(
            self.style.SUCCESS(f"Re-wrapped {done} data key(s) under {current}; {left} left.")
        )
        if failed:
            raise CommandError(
                f"{len(failed)} data key(s) could not be unwrapped; nothing was lost."
            )


def _progress(done: int, total: int, width: int = 30) -> str:
    share = done / total if total else 1.0
    filled = int(share * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
