"""The mail server down or hanging: notifications wait, none is lost, and nothing else waits
with them."""

import pytest
from django.db import connection, transaction

from accounts.models import Membership, Role
from referrals.models import Outbox, Status
from referrals.tasks import deliver_pending_notifications
from referrals.transitions import Side, transition
from tests.fault_tests.helpers import assert_consistent, new_referral
from tests.fault_tests.servers import SmtpSink, free_port


@pytest.fixture
def parties(intake, receiving_service, referring_org, caseworker):
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    return {
        "caseworker": caseworker,
        "referring_org": referring_org,
        "receiving_service": receiving_service,
    }


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_outage_spends_one_attempt_per_sweep_and_the_notification_goes_out_later(
    settings, parties
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFICATION_LEASE_SECONDS = 300
    referral = new_referral(**parties)
    item = Outbox.objects.get(referral=referral)

    assert deliver_pending_notifications() == 0
    assert deliver_pending_notifications() == 0  # still within the back-off (the lease)
    item.refresh_from_db()
    assert (item.attempts, item.sent_at) == (1, None)
    assert item.last_error == "ConnectionRefusedError"

    sink = SmtpSink().start()
    try:
        settings.EMAIL_PORT = sink.port
        Outbox.objects.filter(pk=item.pk).update(claimed_at=item.claimed_at.replace(year=2000))
        assert deliver_pending_notifications() == 1
    finally:
        sink.stop()
    item.refresh_from_db()
    assert item.sent_at is not None and item.attempts == 2 and item.last_error == ""
    assert [d.message_id for d in sink.transactions] == [f"<outbox-{item.pk}@enlace>"]
    assert_consistent()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_hanging_mail_server_does_not_lock_the_referral_it_is_telling_about(
    smtp_sink, workers, parties, intake
):
    """Delivery holds no lock while it talks to the mail server, so intake can accept the
    referral meanwhile (before, the claim locked the referral, service and organisation rows
    for as long as the mail server took)."""
    smtp_sink.hold = "greeting"
    worker = workers()
    referral = new_referral(**parties)
    assert smtp_sink.held.wait(30), worker.output()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        transition(referral.pk, "accept", actor=intake, acting_side=Side.RECEIVING)
    smtp_sink.release.set()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
