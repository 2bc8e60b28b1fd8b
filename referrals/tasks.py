"""Delivery and retention. Tasks take no client data as arguments (most take none at all) and
are safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from referrals.models import ContactHandoff, Outbox, Referral, Status

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


@shared_task
def deliver_pending_notifications(limit: int = 200) -> int:
    """Sends undelivered outbox rows. Runs after each change and every minute from beat.

    Each row is sent inside a transaction that holds its row lock (`skip_locked`, so two workers
    never take the same row) and marked sent in that same transaction. A worker killed before
    the commit leaves the row unsent and unlocked for the next sweep.
    """
    from referrals.notifications import build_message
    from referrals.recipients import recipients_for

    delivered = 0
    for _ in range(limit):
        with transaction.atomic():
            item = (
                Outbox.objects.select_for_update(skip_locked=True)
                .select_related("referral__service", "organization")
                .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .order_by("created_at")
                .first()
            )
            if item is None:
                break
            item.attempts += 1
            item.claimed_at = timezone.now()
            recipients = recipients_for(item)
            try:
                if recipients:
                    build_message(item, recipients).send()
            except Exception as error:  # SMTP down: keep the row for the next sweep
                item.last_error = type(error).__name__[:200]
                item.save(update_fields=["attempts", "claimed_at", "last_error"])
                logger.warning("notification %s not delivered (%s)", item.id, item.last_error)
                continue
            item.sent_at = timezone.now()
            item.last_error = ""
            item.save(update_fields=["attempts", "claimed_at", "sent_at", "last_error"])
            delivered += 1
    return delivered


@shared_task
def purge_due_handoffs() -> int:
    """Shreds handoffs whose grace period has passed, and any handoff of a finished referral that
    slipped through (for example a purge scheduled just before a crash)."""
    from referrals.transitions import TERMINAL, shred

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


@shared_task
def expire_unanswered_referrals() -> int:
    from referrals.transitions import Side, TransitionError, transition

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


@shared_task
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
        transaction.on_commit(deliver_pending_notifications.delay, robust=True)
    return count


@shared_task
def reduce_old_referrals() -> int:
    from referrals.retention import reduce_old_referrals as reduce

    return reduce()
