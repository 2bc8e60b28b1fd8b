"""The weekly reminder: each organisation admin gets one e-mail a week listing their listings due
for verification, with nothing personal in it; the task is idempotent when it runs twice (also
through a real Celery worker); the one-click link needs both factors and works once."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.test import Client

from audit.models import AuditEvent
from services.listings.reminders import send_weekly_reminders
from services.models import Service, Verification, VerificationReminder
from tests.listings_tests.conftest import CUCUTA, days_ago


@pytest.fixture
def due(make_service, org_a):
    """Two of organisation A's listings are past the warning age; the shelter is fresh."""
    old = make_service("Asesoría Vieja", at=CUCUTA, last_verified_at=days_ago(200))
    older = make_service("Clínica Olvidada", at=CUCUTA, last_verified_at=days_ago(420))
    Service.objects.filter(pk__in=[old.pk, older.pk]).update(organization=org_a)
    return [old, older]


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_each_admin_gets_one_mail_listing_only_their_due_listings(
    due, shelter, alice, bob, ines, charlie
):
    assert send_weekly_reminders() == 1  # alice only: charlie's organisation has nothing due
    [message] = mail.outbox
    assert message.to == [alice.email]
    body = message.body
    assert "Asesoría Vieja" in body and "Clínica Olvidada" in body
    assert "Albergue Puente" not in body  # verified last week
    assert "verificar" in message.subject and "verify" in message.subject  # Spanish and English


def test_the_mail_holds_no_personal_data(due, alice):
    alice.first_name, alice.last_name = "Alicia", "Zafiro"
    alice.save()
    send_weekly_reminders()
    [message] = mail.outbox
    text = message.subject + message.body
    for personal in ("Alicia", "Zafiro", alice.username, alice.email, str(alice.pk) + "/"):
        assert personal not in text
    for link in links(message.body):
        assert alice.username not in link and "@" not in link
    assert "/staff/listings/" in message.body


def test_running_twice_in_a_week_sends_once_and_next_week_again(due, alice):
    now = dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC)  # a Monday
    assert send_weekly_reminders(now) == 1
    assert send_weekly_reminders(now + dt.timedelta(hours=1)) == 0
    assert send_weekly_reminders(now + dt.timedelta(days=3)) == 0
    assert len(mail.outbox) == 1
    assert send_weekly_reminders(now + dt.timedelta(days=7)) == 1
    assert VerificationReminder.objects.filter(user=alice).count() == 2
    assert AuditEvent.objects.filter(action="services.verification_reminder_sent").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_through_a_real_worker_is_idempotent(due, alice, celery_worker):
    from services.tasks import send_verification_reminders

    first = send_verification_reminders.delay()
    second = send_verification_reminders.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.1)
    time.sleep(2)  # the second delivery has run by now (the worker takes them in order)
    assert first.id != second.id
    assert len(mail.outbox) == 1
    assert VerificationReminder.objects.filter(user=alice).count() == 1


def test_the_task_is_on_the_beat_schedule(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["verification-reminders"]
    assert schedule["task"] == "services.tasks.send_verification_reminders"


def _still_correct_link(alice) -> str:
    send_weekly_reminders()
    body = mail.outbox[-1].body
    link = next(item for item in links(body) if "/still-correct/" in item)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_link_asks_for_both_factors_then_records_a_verification(due, alice, signed_in):
    path = _still_correct_link(alice)
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert not Verification.objects.exists()

    client = signed_in(alice)
    response = client.get(path)
    assert response.status_code == 200
    verification = Verification.objects.get()
    assert verification.method == "organization" and verification.verified_by == alice
    assert verification.service_id in {s.id for s in due}
    event = AuditEvent.objects.get(action="services.listing_verified")
    assert event.actor_id == alice.pk and event.details == {"method": "organization"}

    # The same link again changes nothing more.
    again = client.get(path)
    assert again.status_code == 200 and Verification.objects.count() == 1


def test_the_link_is_useless_to_another_organisation_and_when_tampered(
    due, alice, charlie, signed_in
):
    path = _still_correct_link(alice)
    assert signed_in(charlie).get(path).status_code == 404
    tampered = path[:-3] + ("AAA/" if not path.endswith("AAA/") else "BBB/")
    client = signed_in(alice)
    response = client.get(tampered)
    assert response.status_code == 200 and not Verification.objects.exists()


def test_the_link_expires(due, alice, signed_in, settings):
    path = _still_correct_link(alice)
    from services.listings import reminders

    reminders.VERIFY_LINK_MAX_AGE, saved = dt.timedelta(seconds=-1), reminders.VERIFY_LINK_MAX_AGE
    try:
        signed_in(alice).get(path)
    finally:
        reminders.VERIFY_LINK_MAX_AGE = saved
    assert not Verification.objects.exists()


def test_an_admin_who_reads_portuguese_gets_the_reminder_in_portuguese_only(due, alice):
    alice.language = "pt"
    alice.save(update_fields=["language"])
    send_weekly_reminders()
    [message] = mail.outbox
    assert message.subject == "Enlace: fichas para verificar esta semana"
    assert "Asesoría Vieja" in message.body and "Ainda está certa:" in message.body
    assert "verify" not in message.subject and "verificar esta semana /" not in message.subject
