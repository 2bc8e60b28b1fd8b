"""Redis stopped while a referral is made, and stopped and restarted while a notification is
being delivered: the referral is saved, its notification is delivered exactly once when Redis is
back. Each test stops its own redis-server (the `private_redis` fixture), never the shared one."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.models import Membership, Role
from config.celery import app as celery_app
from referrals.models import Outbox, Referral, Status
from referrals.tasks import deliver_pending_notifications
from tests.fault_tests.helpers import assert_consistent, new_referral
from tests.fault_tests.servers import wait_for
from tests.referrals_tests.conftest import CANARY


@pytest.fixture
def intake_member(intake, receiving_service):
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    return intake


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_referral_made_while_redis_is_down_is_saved_and_notified_once_when_it_returns(
    private_redis, referring_org, receiving_service, caseworker, intake_member
):
    private_redis.stop()
    referral = new_referral(
        caseworker=caseworker, referring_org=referring_org, receiving_service=receiving_service
    )
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    pending = Outbox.objects.get(referral=referral)
    assert pending.sent_at is None
    private_redis.start()

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # The beat sweep would do this within a minute; the test sends it twice to show that a
        # repeated sweep does not send twice.
        deliver_pending_notifications.delay()
        deliver_pending_notifications.delay()
        wait_for(lambda: not Outbox.objects.filter(sent_at__isnull=True).exists(), 30, "delivery")
        time.sleep(1)

    assert Outbox.objects.get(pk=pending.pk).sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == ["ines@example.org"]
    assert referral.code in message.subject
    text = message.subject + message.body + str(message.extra_headers)
    for value in CANARY.values():
        assert value not in text
    assert_consistent()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_and_restarted_mid_delivery_sends_once_and_the_worker_carries_on(
    private_redis, smtp_sink, workers, referring_org, receiving_service, caseworker, intake_member
):
    # The worker will be inside delivery, connected to the mail server, when Redis goes away.
    smtp_sink.hold = "greeting"
    worker = workers()
    first = new_referral(
        caseworker=caseworker, referring_org=referring_org, receiving_service=receiving_service
    )
    assert smtp_sink.held.wait(30), worker.output()
    private_redis.stop()
    smtp_sink.release.set()  # the send completes while the broker is gone
    wait_for(
        lambda: Outbox.objects.get(referral=first).sent_at is not None, 30, "the row marked sent"
    )
    time.sleep(2)  # the worker notices the broker is gone and starts reconnecting
    private_redis.start()

    # A referral made after the restart is notified by the same worker, which reconnected; the
    # unacknowledged message of the first delivery comes back (visibility timeout) and finds
    # nothing left to send.
    second = new_referral(
        caseworker=caseworker, referring_org=referring_org, receiving_service=receiving_service
    )
    wait_for(
        lambda: Outbox.objects.get(referral=second).sent_at is not None,
        60,
        "delivery after the restart:\n" + worker.output(),
    )
    time.sleep(6)  # past the visibility timeout: any redelivered message has run
    assert worker.process.poll() is None, worker.output()
    ids = sorted(d.message_id for d in smtp_sink.transactions)
    assert len(ids) == 2 and len(set(ids)) == 2, ids
    for delivery in smtp_sink.transactions:
        assert delivery.recipients == ["ines@example.org"]
        for value in CANARY.values():
            assert value.encode() not in delivery.raw
    assert_consistent()
