"""How long each part of a referral is kept: the sweeps beat runs, and the reduction of old
referrals to counts.

Invariants: each sweep takes no client data, re-fetches and locks each row before acting, and
is safe to run twice or in two workers at once. A consent past its `expires_at` is acted on
(handoff shredded, both sides told, audited) by `act_on_expired_consents`; reads refuse it
before that runs (accounts.permissions.referral_view). Accepted or connected referrals left
open longer than REFERRAL_MAX_OPEN_DAYS are closed as "no outcome recorded", which shreds.
Monthly counts (ReferralCount) and call tallies (CallTally) hold no personal data and are kept.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from referrals.counting import counted_referrals, referral_facts
from referrals.handoffs import shred, shred_for
from referrals.models import (
    TERMINAL,
    WORKING,
    CallTally,
    Consent,
    ContactHandoff,
    Outbox,
    Referral,
    ReferralCount,
    Status,
)
from referrals.outbox import queue_delivery_on_commit
from referrals.transitions import Side, TransitionError, transition


def retention_cutoff():
    # Months as 30-day blocks: a few days either way does not matter here, a clear rule does.
    return timezone.now() - timedelta(days=30 * settings.REFERRAL_RETENTION_MONTHS)


def reduce_old_referrals(batch: int = 1000) -> int:
    """Referrals finished before the cutoff become monthly counts (in the cells the reports
    count them in, referrals.counting) and are deleted with their events, consent, handoff and
    notifications. A referral never sent is deleted without being counted."""
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
            cells = Counter(
                (fact, (referral.status, referral.outcome))
                for referral, fact in referral_facts(
                    counted_referrals(Referral.objects.filter(id__in=ids))
                )
            )
            for (fact, (status, outcome)), n in cells.items():
                counter, _ = ReferralCount.objects.select_for_update().get_or_create(
                    month=fact.month,
                    referring_organization_id=fact.referring_organization_id,
                    receiving_organization_id=fact.receiving_organization_id,
                    status=status,
                    outcome=outcome,
                    country=fact.country,
                    region=fact.region,
                    kind=fact.kind,
                    counted_as=fact.outcome,
                    need=fact.need,
                )
                ReferralCount.objects.filter(pk=counter.pk).update(count=F("count") + n)
            Referral.objects.filter(id__in=ids).delete()
            reduced += len(ids)


def purge_due_handoffs() -> int:
    """Shreds handoffs whose grace period has passed, and any handoff of a finished referral that
    slipped through (for example a purge scheduled just before a crash)."""
    now = timezone.now()
    due = ContactHandoff.objects.filter(purged_at__isnull=True).filter(
        purge_after__lte=now
    ) | ContactHandoff.objects.filter(
        purged_at__isnull=True, purge_after__isnull=True, referral__status__in=TERMINAL
    )
    count = 0
    for handoff_id in due.values_list("id", flat=True):
        with transaction.atomic():
            handoff = (
                ContactHandoff.objects.select_for_update(of=("self",))
                .select_related("key")
                .filter(id=handoff_id, purged_at__isnull=True)
                .first()
            )
            if handoff is not None:
                shred(handoff, now)
                count += 1
    return count


def expire_unanswered_referrals() -> int:
    count = 0
    for referral_id in Referral.objects.filter(
        status=Status.SENT, expires_at__lte=timezone.now()
    ).values_list("id", flat=True):
        try:
            transition(referral_id, "expire", actor=None, acting_side=Side.SYSTEM)
            count += 1
        except TransitionError:
            continue  # answered in the meantime
    return count


def remind_unanswered_referrals() -> int:
    """One reminder per referral not answered within REFERRAL_REMINDER_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.REFERRAL_REMINDER_HOURS)
    count = 0
    for referral in Referral.objects.filter(
        status=Status.SENT, sent_at__lte=cutoff, reminded_at__isnull=True
    ):
        with transaction.atomic():
            locked = (
                Referral.objects.select_for_update()
                .filter(pk=referral.pk, reminded_at__isnull=True)
                .first()
            )
            if locked is None or locked.status != Status.SENT:
                continue
            Outbox.objects.get_or_create(
                referral=locked,
                kind=Outbox.Kind.REMINDER,
                organization=locked.receiving_organization,
            )
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            count += 1
    if count:
        queue_delivery_on_commit()
    return count


def act_on_expired_consents() -> int:
    """Each open referral whose current consent has expired: its handoff is shredded at once,
    both organisations are told (no personal data) and the audit log records it. Once per
    consent (`lapsed_at`); a renewal is a new consent, acted on when it expires in turn."""
    now = timezone.now()
    due = Consent.objects.filter(
        expires_at__lte=now, lapsed_at__isnull=True, revoked_at__isnull=True
    ).values_list("id", flat=True)
    count = 0
    for consent_id in due:
        if _act_on_expired_consent(consent_id, now):
            count += 1
    return count


def _act_on_expired_consent(consent_id, now) -> bool:
    from audit import record

    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(pk=consent_id, lapsed_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            return False
        referral = Referral.objects.select_for_update().get(pk=consent.referral_id)
        consent.lapsed_at = now
        consent.save(update_fields=["lapsed_at"])
        if referral.consent_id != consent.pk:
            return False  # renewed in the meantime: the new consent is in force
        shredded = shred_for(referral.pk, now)
        if referral.status in TERMINAL and not shredded:
            return True  # finished and already purged: nothing acted on, nothing to tell
        if referral.status not in TERMINAL:
            for organization_id in (
                referral.referring_organization_id,
                referral.receiving_organization_id,
            ):
                Outbox.objects.update_or_create(
                    referral=referral,
                    kind=Outbox.Kind.CONSENT_EXPIRED,
                    organization_id=organization_id,
                    defaults={"sent_at": None, "claimed_at": None, "attempts": 0},
                )
            queue_delivery_on_commit()
        record(
            actor=None,
            action="referral.consent_expired",
            obj=referral,
            details={"handoff_shredded": shredded},
        )
    return True


def close_stale_referrals() -> int:
    """Accepted or connected referrals nobody closed within REFERRAL_MAX_OPEN_DAYS of the answer
    are closed as "no outcome recorded": their handoff is purged like any other closure."""
    cutoff = timezone.now() - timedelta(days=settings.REFERRAL_MAX_OPEN_DAYS)
    stale = Referral.objects.filter(status__in=WORKING).filter(
        Q(responded_at__lte=cutoff) | Q(responded_at__isnull=True, sent_at__lte=cutoff)
    )
    count = 0
    for referral_id in stale.values_list("id", flat=True):
        try:
            transition(referral_id, "lapse", actor=None, acting_side=Side.SYSTEM)
            count += 1
        except TransitionError:
            continue  # closed by a person in the meantime
    return count


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
        # A tally is already a count: a month, a first-level place, a need, a language and an
        # outcome, nothing of the caller or the worker. Reducing it further would lose the
        # language and region cells the reports show, and protect no one.
        RetentionLine("call tallies", CallTally.objects.count(), "kept, as the monthly counts"),
    ]
