"""Redis stopped while a referral is made: the referral is saved, and its notification is
delivered exactly once when Redis is back. Uses the real project-local Redis and a real worker."""

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.models import Membership, Role
from config.celery import app as celery_app
from referrals.actions import HandoffInput, ReferralInput, make_referral
from referrals.models import Outbox, Referral, Status
from referrals.tasks import deliver_pending_notifications
from tests.referrals_tests.conftest import CANARY, consent_with_contact

ROOT = Path(__file__).resolve().parents[2]


def redis(command: str) -> None:
    subprocess.run(
        [str(ROOT / "scripts/services.sh"), f"redis-{command}"],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_referral_made_while_redis_is_down_is_saved_and_notified_once_when_it_returns(
    referring_org, receiving_service, caseworker, intake
):
    Membership.objects.create(
        user=intake, organization=receiving_service.organization, role=Role.INTAKE
    )
    redis("stop")
    try:
        referral = make_referral(
            actor=caseworker,
            organization=referring_org,
            details=ReferralInput(
                service=receiving_service, client_language="es", idempotency_key=uuid.uuid4()
            ),
            consent=consent_with_contact(),
            handoff=HandoffInput(**CANARY),
        )
        assert Referral.objects.get(pk=referral.pk).status == Status.SENT
        pending = Outbox.objects.get(referral=referral)
        assert pending.sent_at is None
    finally:
        redis("start")

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # The beat sweep would do this within a minute; the test sends it twice to show that a
        # repeated sweep does not send twice.
        deliver_pending_notifications.delay()
        deliver_pending_notifications.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Outbox.objects.filter(sent_at__isnull=True).exists():
            time.sleep(0.2)
        time.sleep(1)

    assert Outbox.objects.get(pk=pending.pk).sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == ["ines@example.org"]
    assert referral.code in message.subject
    text = message.subject + message.body + str(message.extra_headers)
    for value in CANARY.values():
        assert value not in text
