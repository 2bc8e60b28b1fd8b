"""The outbox: notifications to organisations, claimed, sent and marked by the delivery task.

Invariants: a row is written in the same transaction as the change it announces, and names the
referral and the organisation only; the message (referrals.notifications) says that something
happened and where to sign in, never anything about the client. Delivery is at least once: no
database transaction or row lock is held across the call to the mail server, and a retry carries
the same Message-ID. The task takes no arguments but a limit (the broker stores them).
"""

import logging
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.languages import recipient_language
from accounts.models import Membership, Role, User
from referrals.models import Outbox
from referrals.notifications import build_message

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


def _memberships(item: Outbox) -> QuerySet[Membership]:
    """Intake staff and admins of the receiving organisation; the referring user and the admins
    of the referring organisation. Only members whose role is in force (an intake grant waiting
    for its second confirmation is not)."""
    referral = item.referral
    wanted = Q(pk__in=[])
    if item.organization_id == referral.receiving_organization_id:
        wanted |= Q(role__in=[Role.INTAKE, Role.ORG_ADMIN])
    if item.organization_id == referral.referring_organization_id:
        wanted |= Q(role=Role.ORG_ADMIN) | Q(user_id=referral.referring_user_id)
    return Membership.objects.filter(
        wanted,
        organization_id=item.organization_id,
        is_active=True,
        user__is_active=True,
        role_confirmed=True,
    ).exclude(user__email="")


def recipients_for(item: Outbox) -> list[str]:
    """Every recipient's address, sorted."""
    return sorted(set(_memberships(item).values_list("user__email", flat=True)))


def recipients_by_language(item: Outbox) -> dict[str, list[str]]:
    """The recipients' addresses grouped by the language each one reads (accounts.languages)."""
    groups: dict[str, set[str]] = defaultdict(set)
    users = User.objects.filter(pk__in=_memberships(item).values("user_id")).only(
        "email", "language"
    )
    for user in users:
        groups[recipient_language(user)].add(user.email)
    return {language: sorted(emails) for language, emails in sorted(groups.items())}


# The name it was registered under when it lived in referrals.tasks: messages already queued
# in the broker carry that name and must still find it.
@shared_task(name="referrals.tasks.deliver_pending_notifications")
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


def queue_delivery_on_commit() -> None:
    # robust: a broker outage must not undo or fail the change; the periodic sweep delivers later.
    transaction.on_commit(deliver_pending_notifications.delay, robust=True)
