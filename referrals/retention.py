"""How long each part of a referral is kept, and the reduction of old referrals to counts."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from referrals.models import ContactHandoff, Referral, ReferralCount, Status
from referrals.transitions import TERMINAL


def retention_cutoff():
    # Months as 30-day blocks: a few days either way does not matter here, a clear rule does.
    return timezone.now() - timedelta(days=30 * settings.REFERRAL_RETENTION_MONTHS)


def reduce_old_referrals(batch: int = 1000) -> int:
    """Referrals finished before the cutoff become monthly counts and are deleted with their
    events, consent, handoff and notifications."""
    cutoff = retention_cutoff()
    reduced = 0
    while True:
        with transaction.atomic():
            ids = list(
                Referral.objects.select_for_update(skip_locked=True)
                .filter(status__in=TERMINAL, closed_at__lt=cutoff)
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return reduced
            rows = (
                Referral.objects.filter(id__in=ids)
                .annotate(month=TruncMonth("created_at"))
                .values(
                    "month",
                    "referring_organization_id",
                    "receiving_organization_id",
                    "status",
                    "outcome",
                )
                .annotate(n=Count("id"))
            )
            for row in rows:
                counter, _ = ReferralCount.objects.select_for_update().get_or_create(
                    month=row["month"].date() if hasattr(row["month"], "date") else row["month"],
                    referring_organization_id=row["referring_organization_id"],
                    receiving_organization_id=row["receiving_organization_id"],
                    status=row["status"],
                    outcome=row["outcome"],
                )
                ReferralCount.objects.filter(pk=counter.pk).update(count=F("count") + row["n"])
            Referral.objects.filter(id__in=ids).delete()
            reduced += len(ids)


@dataclass
class RetentionLine:
    part: str
    held: int
    goes: str


def report() -> list[RetentionLine]:
    grace = settings.HANDOFF_PURGE_GRACE_DAYS
    live = ContactHandoff.objects.filter(purged_at__isnull=True)
    open_statuses = [Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.CONNECTED]
    return [
        RetentionLine(
            "contact handoffs (sealed)",
            live.count(),
            f"shredded {grace} day(s) after the referral is closed, declined, withdrawn, expired or revoked",
        ),
        RetentionLine(
            "handoffs waiting for their grace period",
            live.filter(purge_after__isnull=False).count(),
            "at their purge time (checked every 5 minutes)",
        ),
        RetentionLine(
            "open referrals",
            Referral.objects.filter(status__in=open_statuses).count(),
            f"unanswered ones expire after {settings.REFERRAL_EXPIRY_DAYS} days",
        ),
        RetentionLine(
            "finished referrals (metadata)",
            Referral.objects.filter(status__in=TERMINAL).count(),
            f"reduced to monthly counts {settings.REFERRAL_RETENTION_MONTHS} months after they finish",
        ),
        RetentionLine("monthly counts", ReferralCount.objects.count(), "kept"),
    ]
