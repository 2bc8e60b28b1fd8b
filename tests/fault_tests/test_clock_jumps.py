"""The clock jumps back and forth around a referral's reminder, expiry and purge times (an NTP
correction, a VM restored from a snapshot): nothing is reminded, expired or purged twice, nothing
is missed once the clock is past the time again, and the history and the audit chain stay in
the order things happened."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from referrals.models import ContactHandoff, Outbox, Referral, ReferralEvent, Status
from referrals.tasks import (
    expire_unanswered_referrals,
    purge_due_handoffs,
    remind_unanswered_referrals,
)
from referrals.transitions import Side, transition
from tests.fault_tests.helpers import assert_consistent, new_referral

START = timezone.now()


@contextmanager
def clock(at: datetime):
    """Every timezone.now() in the code under test (tasks, transitions, auto_now fields, the
    audit chain) reads this time."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def run_periodic_tasks(at: datetime) -> dict[str, int]:
    with clock(at):
        return {
            "expired": expire_unanswered_referrals(),
            "reminded": remind_unanswered_referrals(),
            "purged": purge_due_handoffs(),
        }


@pytest.mark.django_db(transaction=True)
def test_clock_jumps_around_reminder_expiry_and_purge_neither_repeat_nor_miss_anything(
    settings, intake, receiving_service, referring_org, caseworker
):
    settings.REFERRAL_REMINDER_HOURS = 48
    settings.REFERRAL_EXPIRY_DAYS = 7
    settings.HANDOFF_PURGE_GRACE_DAYS = 2
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    parties = {
        "caseworker": caseworker,
        "referring_org": referring_org,
        "receiving_service": receiving_service,
    }
    with clock(START):
        early = new_referral(**parties)  # reminder due at +2d, expiry at +7d
    with clock(START + timedelta(days=3)):
        late = new_referral(**parties)  # reminder due at +5d, expiry at +10d
    day = timedelta(days=1)
    minute = timedelta(minutes=1)

    timeline = [
        (START + 2 * day + minute, {"expired": 0, "reminded": 1, "purged": 0}),
        (START + 1 * day, {"expired": 0, "reminded": 0, "purged": 0}),  # back
        (START + 2 * day + minute, {"expired": 0, "reminded": 0, "purged": 0}),  # again
        (START + 7 * day + minute, {"expired": 1, "reminded": 1, "purged": 0}),
        (START + 4 * day, {"expired": 0, "reminded": 0, "purged": 0}),  # back past both
        (START + 7 * day + minute, {"expired": 0, "reminded": 0, "purged": 0}),
        # Before this run, intake accepts `late` while the clock reads a day before it was sent.
        (START + 9 * day + 2 * minute, {"expired": 0, "reminded": 0, "purged": 1}),
        (START + 30 * day, {"expired": 0, "reminded": 0, "purged": 0}),
        (START + 3 * day, {"expired": 0, "reminded": 0, "purged": 0}),  # far back
    ]
    seen = []
    for at, expected in timeline:
        seen.append(run_periodic_tasks(at))
        assert seen[-1] == expected, (at - START, seen)
        if at == START + 7 * day + minute and len(seen) == 6:
            with clock(START + 2 * day):
                transition(late.pk, "accept", actor=intake, acting_side=Side.RECEIVING)

    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == Status.EXPIRED and late.status == Status.ACCEPTED
    assert ReferralEvent.objects.filter(to_status=Status.EXPIRED).count() == 1
    assert Outbox.objects.filter(kind=Outbox.Kind.REMINDER).count() == 2
    assert Outbox.objects.filter(kind=Outbox.Kind.EXPIRED).count() == 2
    assert ContactHandoff.objects.get(referral=early).purged_at is not None
    assert ContactHandoff.objects.get(referral=late).purged_at is None
    # The history reads in the order things happened, even where the clock said otherwise.
    for referral in (early, late):
        listed = [e.to_status for e in referral.events.all()]
        written = list(referral.events.order_by("id").values_list("to_status", flat=True))
        assert listed == written
    assert_consistent()


@pytest.mark.django_db(transaction=True)
def test_a_referral_not_yet_due_is_never_expired_by_a_clock_that_runs_slow_then_catches_up(
    intake, receiving_service, referring_org, caseworker, settings
):
    settings.REFERRAL_EXPIRY_DAYS = 7
    with clock(START):
        referral = new_referral(
            caseworker=caseworker, referring_org=referring_org, receiving_service=receiving_service
        )
    for hours in (6 * 24, 24, 6 * 24, 0, 7 * 24 - 1):
        assert run_periodic_tasks(START + timedelta(hours=hours))["expired"] == 0
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    assert run_periodic_tasks(START + timedelta(days=7))["expired"] == 1
    assert run_periodic_tasks(START + timedelta(days=7))["expired"] == 0
    assert_consistent()
