"""A Celery worker killed with SIGKILL in the middle of delivering a notification: in the end the
organisation has exactly one e-mail. The worker is a real `celery -A config worker` process on
the test database and a private Redis; the mail server is an SMTP sink that holds the connection
at the chosen moment, so the kill lands exactly there, every run."""

import time

import pytest

from accounts.models import Membership, Role
from referrals.models import Outbox
from referrals.tasks import deliver_pending_notifications
from tests.fault_tests.helpers import assert_consistent, new_referral
from tests.fault_tests.servers import wait_for
from tests.referrals_tests.conftest import CANARY

LEASE_SECONDS = 3  # the workers' NOTIFICATION_LEASE_SECONDS (tests/fault_tests/conftest.py)


@pytest.fixture
def referral_parties(intake, receiving_service, referring_org, caseworker):
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    return {
        "caseworker": caseworker,
        "referring_org": referring_org,
        "receiving_service": receiving_service,
    }


def kill_mid_delivery(smtp_sink, workers, referral_parties, moment: str) -> Outbox:
    smtp_sink.hold = moment
    doomed = workers()
    referral = new_referral(**referral_parties)
    assert smtp_sink.held.wait(30), doomed.output()
    item = Outbox.objects.get(referral=referral)
    # The worker has claimed the row (committed) and is inside delivery; nothing is marked sent.
    assert item.claimed_at is not None and item.sent_at is None and item.attempts == 1
    doomed.kill()
    smtp_sink.release.set()
    return item


def recover(workers, item: Outbox) -> None:
    """A new worker, and the periodic sweep once the dead worker's lease has run out."""
    replacement = workers()
    time.sleep(LEASE_SECONDS + 0.5)
    deliver_pending_notifications.delay()
    wait_for(
        lambda: Outbox.objects.get(pk=item.pk).sent_at is not None,
        60,
        "the sweep to deliver:\n" + replacement.output(),
    )
    time.sleep(6)  # past the visibility timeout: the dead worker's message has come back and run


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_claiming_and_before_sending_leaves_it_to_the_sweep_which_sends_one(
    smtp_sink, workers, referral_parties
):
    item = kill_mid_delivery(smtp_sink, workers, referral_parties, "greeting")
    assert smtp_sink.transactions == []
    recover(workers, item)

    assert len(smtp_sink.transactions) == 1
    delivery = smtp_sink.transactions[0]
    assert delivery.message_id == f"<outbox-{item.pk}@enlace>"
    assert delivery.recipients == ["ines@example.org"]
    assert Outbox.objects.get(pk=item.pk).attempts == 2
    assert_consistent()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_mail_server_took_the_message_leaves_exactly_one_in_the_mailbox(
    smtp_sink, workers, referral_parties
):
    """The one window no outbox can close alone: the mail server has the message and the worker
    dies before it hears "250 OK" and marks the row. The retry is a second SMTP transaction with
    the same Message-ID, and the mailbox, deduplicating on it, holds exactly one. (Marking sent
    before sending would make this crash lose the notification instead.)"""
    item = kill_mid_delivery(smtp_sink, workers, referral_parties, "accepted")
    assert len(smtp_sink.transactions) == 1
    recover(workers, item)

    on_the_wire = [d.message_id for d in smtp_sink.transactions]
    assert on_the_wire == [f"<outbox-{item.pk}@enlace>"] * 2
    assert list(smtp_sink.mailbox) == [f"<outbox-{item.pk}@enlace>"]
    for delivery in smtp_sink.transactions:
        for value in CANARY.values():
            assert value.encode() not in delivery.raw
    assert_consistent()
