"""The same task message delivered twice (a broker redelivery after a lost acknowledgement):
two real worker processes receive the same task id for every periodic task, at once. Nothing is
expired, reminded, purged or sent twice."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from referrals.models import Outbox, Referral, ReferralEvent, Status
from referrals.tasks import (
    deliver_pending_notifications,
    expire_unanswered_referrals,
    purge_due_handoffs,
    remind_unanswered_referrals,
)
from tests.fault_tests.helpers import assert_consistent, new_referral
from tests.fault_tests.servers import wait_for


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_periodic_task_delivered_twice_to_two_workers_acts_once(
    private_redis, smtp_sink, workers, intake, receiving_service, referring_org, caseworker
):
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    parties = {
        "caseworker": caseworker,
        "referring_org": referring_org,
        "receiving_service": receiving_service,
    }
    to_expire = [new_referral(**parties) for _ in range(3)]
    to_remind = [new_referral(**parties) for _ in range(3)]
    past = timezone.now() - timedelta(days=30)
    Referral.objects.filter(pk__in=[r.pk for r in to_expire]).update(expires_at=past)
    Referral.objects.filter(pk__in=[r.pk for r in to_remind]).update(sent_at=past)

    for task in (
        expire_unanswered_referrals,
        remind_unanswered_referrals,
        purge_due_handoffs,
        deliver_pending_notifications,
    ):
        task_id = str(uuid.uuid4())
        task.apply_async(task_id=task_id)
        task.apply_async(task_id=task_id)
    first, second = workers(), workers()

    wait_for(
        lambda: (
            private_redis.queued() == 0
            and Outbox.objects.filter(kind=Outbox.Kind.REMINDER).count() == 3
            and not Outbox.objects.filter(sent_at__isnull=True).exists()
        ),
        90,
        "both workers to finish:\n" + first.output() + second.output(),
    )
    time.sleep(6)  # anything redelivered has run too

    for referral in to_expire:
        referral.refresh_from_db()
        assert referral.status == Status.EXPIRED
        assert (
            ReferralEvent.objects.filter(referral=referral, to_status=Status.EXPIRED).count() == 1
        )
        assert referral.handoff.purged_at is not None
    for referral in to_remind:
        referral.refresh_from_db()
        assert referral.status == Status.SENT and referral.reminded_at is not None
    # New referral x6, expired x3 to each side, reminder x3, each row once.
    assert Outbox.objects.count() == 6 + 3 * 2 + 3
    # One SMTP transaction per row with recipients (the referring organisation has none here).
    addressed = Outbox.objects.filter(organization=receiving_service.organization)
    expected = sorted(f"<outbox-{pk}@enlace>" for pk in addressed.values_list("pk", flat=True))
    assert sorted(d.message_id for d in smtp_sink.transactions) == expected
    assert_consistent()
