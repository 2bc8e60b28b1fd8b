"""Nobody learns whether an address has a staff account: not from sign-in (test_lockout.py),
password reset, or invitations."""

import re
import time

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.accounts_tests.conftest import PASSWORD, password_step, with_password
from tests.factories import sign_in


def _page(response) -> str:
    page = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)


def _wait_for_mail(count: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(mail.outbox) < count:
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_password_reset_answers_the_same_and_mails_only_a_real_account(
    client, alice, mailoutbox, celery_worker
):
    with_password(alice)
    url = reverse("accounts:password_reset")
    existing = client.post(url, {"email": "alice@example.org"})
    missing = client.post(url, {"email": "nobody@example.org"})
    assert existing.status_code == missing.status_code == 302
    assert existing["Location"] == missing["Location"] == reverse("accounts:password_reset_done")
    assert _page(client.get(existing["Location"])) == _page(client.get(missing["Location"]))
    _wait_for_mail(1)
    time.sleep(0.5)  # the missing address's task has run by now: the worker takes them in order
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]


def test_the_reset_request_queues_ids_not_the_address_and_sends_nothing_itself(
    client, alice, mailoutbox
):
    """Without a worker the request still answers at once: the mail server is not in its path
    (its time would tell an account from none), and the queued message names no address."""
    with_password(alice)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []
    queued = b"".join(broker.lrange("celery", 0, -1))
    broker.delete("celery")
    assert b"send_password_reset" in queued
    assert b"alice" not in queued.lower()


@pytest.mark.django_db(transaction=True)
def test_the_reset_link_keeps_its_token_out_of_paths_and_ends_old_sessions(
    client, alice, mailoutbox, celery_worker
):
    with_password(alice)
    elsewhere = client.__class__()
    sign_in(elsewhere, alice)
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 200

    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    _wait_for_mail(1)
    body = mailoutbox[0].body
    link = re.search(r"https?://\S+", body).group(0)
    path, query = link.split("?", 1)
    assert path.endswith(reverse("accounts:password_reset_link"))  # the path carries nothing
    assert "alice" not in body.replace("alice@example.org", "")

    confirm = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert confirm.status_code == 302
    assert confirm["Location"].endswith("/set-password/")
    form = client.get(confirm["Location"])
    assert form.status_code == 200 and form.context["validlink"]
    new = "Another-Long-Passphrase-77"
    done = client.post(confirm["Location"], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("accounts:password_reset_complete")

    alice.refresh_from_db()
    assert alice.check_password(new)
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302
    # Used once: the same link no longer works.
    again = client.get(client.get(link.replace("http://127.0.0.1:8000", ""))["Location"])
    assert not again.context["validlink"]


@pytest.mark.django_db(transaction=True)
def test_reset_keeps_django_validators(client, alice, mailoutbox, celery_worker):
    with_password(alice)
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    _wait_for_mail(1)
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    confirm = client.get(link.replace("http://127.0.0.1:8000", ""))["Location"]
    weak = client.post(confirm, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert weak.context["form"].errors


def test_inviting_an_address_with_or_without_an_account_looks_the_same(
    client, alice, charlie, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, alice)
    url = reverse("accounts:members", args=[org_a.pk])
    seen = []
    for email in ("charlie@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email, "role": "caseworker"})
        message = re.findall(
            r'<li class="message[^"]*">(.*?)</li>', client.get(url).content.decode()
        )
        seen.append(
            (
                response.status_code,
                response["Location"],
                [m.replace(email, "EMAIL") for m in message],
            )
        )
    assert seen[0] == seen[1]
    assert seen[0][0] == 302 and seen[0][2]
    bodies = [re.sub(r"t=\S+", "t=TOKEN", m.body) for m in mailoutbox]
    assert len(bodies) == 2 and bodies[0] == bodies[1]


def test_signing_in_with_an_email_that_has_no_account_fails_like_a_wrong_password(client, alice):
    with_password(alice)
    wrong = password_step(client, "alice", "not-the-password")
    unknown = password_step(client, "nobody@example.org", PASSWORD)
    page = re.compile(r'name="username" value="[^"]*"')
    assert page.sub("", _page(wrong)) == page.sub("", _page(unknown))
