"""Consent over time: an expired consent is acted on by beat through a real worker (shredded,
both sides told without personal data, audited), a read before the sweep is refused, renewal
is a new record made by the referring side, and a referral left open too long is closed."""

import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from referrals.handoffs import HandoffRefused, read_handoff
from referrals.models import Consent, ContactHandoff, Outbox, Referral, Status
from referrals.notifications import subject_for
from tests.factories import sign_in, verified
from tests.referrals_tests.staff_world import CANARY, world_fixture  # noqa: F401

BASE = "/api/v1/staff/referrals"
SECRETS = (CANARY, "+57 300 555 4417", "nota-zafiro-4417")


def client_for(user) -> Client:
    return sign_in(Client(), user)


def post(client: Client, path: str, data: dict):
    return client.post(path, json.dumps(data), content_type="application/json")


def accepted(world) -> str:
    made = post(
        client_for(world["caseworker-a"]),
        BASE,
        {
            "service": str(world.service_b.pk),
            "client_language": "es",
            "consent_method": "verbal",
            "shares_contact": True,
            "contact_channel": "phone",
            "contact_name": CANARY,
            "contact_phone": "+57 300 555 4417",
            "note": "nota-zafiro-4417",
        },
    ).json()
    answer = post(
        client_for(world["intake-b"]),
        f"{BASE}/{made['id']}/transitions",
        {"move": "accept", "version": made["version"]},
    )
    assert answer.status_code == 200, answer.content
    return made["id"]


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there"
        time.sleep(0.1)


def url(name: str, pk) -> str:
    with translation.override("en"):
        return reverse(f"referrals:{name}", kwargs={"pk": pk})


@pytest.mark.django_db(transaction=True)
def test_an_expired_consent_is_shredded_and_both_sides_told_through_a_real_worker(
    world, celery_worker
):
    from referrals.tasks import act_on_expired_consents

    pk = accepted(world)
    mail.outbox.clear()
    Consent.objects.filter(referral_id=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    intake = client_for(world["intake-b"])
    # Before the sweep: refused anyway, by the page's rule and by read_handoff itself (audited).
    assert intake.get(f"{BASE}/{pk}/handoff").status_code == 404
    with pytest.raises(HandoffRefused):
        read_handoff(actor=verified(world["intake-b"]), referral=Referral.objects.get(pk=pk))
    act_on_expired_consents.delay()
    wait_for(lambda: ContactHandoff.objects.get(referral_id=pk).is_purged)
    wait_for(lambda: Outbox.objects.filter(kind="lapsed", sent_at__isnull=False).count() == 2)
    told = {row.organization_id for row in Outbox.objects.filter(kind="lapsed")}
    assert told == {world.a.pk, world.b.pk}
    handoff = ContactHandoff.objects.get(referral_id=pk)
    assert handoff.ciphertext is None and handoff.key is None
    assert Consent.objects.get(referral_id=pk).lapsed_at is not None
    assert AuditEvent.objects.filter(action="referral.consent_expired").count() == 1
    assert AuditEvent.objects.filter(
        action="referral.handoff_viewed", details__result="refused"
    ).exists()
    for message in mail.outbox:
        for secret in SECRETS:
            assert secret not in message.subject + message.body
    code = Referral.objects.get(pk=pk).code
    with translation.override("es"):
        expected = subject_for(Outbox.Kind.CONSENT_EXPIRED, code, "")
    assert sum(m.subject == expected for m in mail.outbox) == 2  # one per organisation
    # The referral stays open and says why nothing is shown.
    assert Referral.objects.get(pk=pk).status == Status.ACCEPTED
    page = intake.get(url("detail", pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Consent expired — ask the client again." in page
    # A second run finds nothing to do.
    act_on_expired_consents.delay()
    time.sleep(1)
    assert AuditEvent.objects.filter(action="referral.consent_expired").count() == 1


def test_the_expiry_sweep_runs_within_the_hour(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["act-on-expired-consents"]
    assert schedule["task"] == "referrals.tasks.act_on_expired_consents"
    assert schedule["schedule"] <= 3600


@pytest.mark.django_db
def test_renewing_consent_is_a_new_record_by_the_referring_side(world):
    from referrals.retention import act_on_expired_consents

    pk = accepted(world)
    first = Consent.objects.get(referral_id=pk)
    Consent.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert act_on_expired_consents() == 1
    intake = client_for(world["intake-b"])
    assert intake.get(url("renew", pk)).status_code == 404  # the receiving side cannot
    case = client_for(world["caseworker-a"])
    page = case.get(url("renew", pk))
    assert page.status_code == 200
    assert b"checked" not in page.content  # nothing agreed in advance
    renewal = {
        "consent_method": "written",
        "shares_needs": "on",
        "shares_contact": "on",
        "contact_channel": "sms",
        "contact_name": "Nuevo Alias-9921",
        "script_language": "es",
    }
    # Without the member's record that the person said yes, nothing is renewed.
    refused = case.post(url("renew", pk), renewal)
    assert refused.status_code == 400
    assert "tick the box once they say yes" in refused.content.decode()
    assert Consent.objects.filter(referral_id=pk).count() == 1
    answer = case.post(
        url("renew", pk),
        {
            "client_agrees": "on",
            "consent_method": "written",
            "shares_needs": "on",
            "shares_contact": "on",
            "contact_channel": "sms",
            "contact_name": "Nuevo Alias-9921",
            "script_language": "es",
        },
    )
    assert answer.status_code == 302, answer.content
    consents = list(Consent.objects.filter(referral_id=pk).order_by("recorded_at"))
    assert len(consents) == 2
    old, new = consents
    assert (old.method, old.pk) == ("verbal", first.pk) and old.expires_at < timezone.now()
    assert new.method == "written" and new.expires_at > timezone.now() + timedelta(days=30)
    assert Referral.objects.get(pk=pk).consent_id == new.pk
    details = intake.get(f"{BASE}/{pk}/handoff")
    assert details.status_code == 200 and details.json()["name"] == "Nuevo Alias-9921"
    assert details.json()["contact_channel"] == "sms"
    assert AuditEvent.objects.filter(action="referral.consent_renewed").count() == 1
    assert Outbox.objects.filter(kind="renewed", organization=world.b).exists()


@pytest.mark.django_db(transaction=True)
def test_a_referral_left_open_past_the_maximum_is_closed_with_no_outcome(
    world, celery_worker, settings
):
    from referrals.tasks import close_stale_referrals

    settings.REFERRAL_MAX_OPEN_DAYS = 90
    stale, fresh = accepted(world), accepted(world)
    Referral.objects.filter(pk=stale).update(responded_at=timezone.now() - timedelta(days=91))
    close_stale_referrals.delay()
    wait_for(lambda: Referral.objects.get(pk=stale).status == Status.CLOSED)
    closed = Referral.objects.get(pk=stale)
    assert closed.outcome == "no_outcome"
    assert ContactHandoff.objects.get(referral_id=stale).is_purged
    assert Referral.objects.get(pk=fresh).status == Status.ACCEPTED
    assert not ContactHandoff.objects.get(referral_id=fresh).is_purged
    assert settings.CELERY_BEAT_SCHEDULE["close-stale-referrals"]["schedule"] <= 86400
