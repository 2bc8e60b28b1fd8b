"""Delivery and retention. Tasks take no client data as arguments (most take none at all) and
are safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from referrals.models import ContactHandoff, Outbox, Referral, Status

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


@shared_task
def deliver_pending_notifications(limit: int = 200) -> int:
    """Sends undelivered outbox rows. Runs after each change and every minute from beat.

    Three steps, so that no database transaction or row lock is held across the call to the
    mail server: (1) claim a row in a short committed transaction (`skip_locked`, so two workers
    never claim the same row), stamping `claimed_at` and counting the attempt; (2) send, with the
    row's stable Message-ID as the idempotency key; (3) mark it sent only if our claim still
    holds (compare-and-set on `claimed_at`).

    A claim is a lease of NOTIFICATION_LEASE_SECONDS (longer than EMAIL_TIMEOUT allows a send to
    take): a worker killed after claiming leaves the row to the sweep once the lease runs out, so
    nothing is lost (at least once). The one window that can send twice is a worker killed after
    the mail server accepted the message and before step 3; the retry then carries the same
    Message-ID, which a relay or mailbox that deduplicates on it turns into exactly one. We chose
    this over marking sent before sending, which would turn the same crash into a lost
    notification: a duplicate "sign in to read it" is a nuisance, a lost new referral delays help.
    """
    delivered = 0
    for _ in range(limit):
        item = _claim_next()
        if item is None:
            break
        if _send(item):
            delivered += 1
        else:
            # The mail server is failing: the rest wait for the next sweep instead of each
            # waiting out EMAIL_TIMEOUT now. The failed row waits out its lease (the back-off).
            break
    return delivered


def _claim_next() -> Outbox | None:
    now = timezone.now()
    lease_expired = now - timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    with transaction.atomic():
        item = (
            Outbox.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("referral__service", "organization")
            .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_expired))
            .order_by("created_at")
            .first()
        )
        if item is None:
            return None
        item.attempts += 1
        item.claimed_at = now
        item.save(update_fields=["attempts", "claimed_at"])
    return item


def _send(item: Outbox) -> bool:
    from referrals.notifications import build_message
    from referrals.recipients import recipients_by_language

    try:
        # One message per language its recipients read (each with its own Message-ID).
        for language, recipients in recipients_by_language(item).items():
            build_message(item, recipients, language).send()
    except Exception as error:  # the mail server is down or refused: retried after the lease
        Outbox.objects.filter(pk=item.pk, claimed_at=item.claimed_at).update(
            last_error=type(error).__name__[:200]
        )
        logger.warning("notification %s not delivered (%s)", item.id, type(error).__name__)
        return False
    marked = Outbox.objects.filter(
        pk=item.pk, claimed_at=item.claimed_at, sent_at__isnull=True
    ).update(sent_at=timezone.now(), last_error="")
    if not marked:
        # Our lease ran out mid-send and another worker claimed the row: it may send a copy
        # with the same Message-ID.
        logger.warning("notification %s: lease lost while sending", item.id)
    return True


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
