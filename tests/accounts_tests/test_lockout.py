"""Repeated failures lock a (name, address) pair out, and nothing tells whether the name exists."""

import re
from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import client_address
from tests.accounts_tests.conftest import PASSWORD, password_step, with_password
from tests.factories import second_factor

LIMIT = 5


def normalized(response) -> str:
    """The page without what differs on every response anyway."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)
    return re.sub(r'name="username" value="[^"]*"', "USERNAME", page)


def test_after_five_failures_even_the_right_password_is_refused(client, alice):
    with_password(alice)
    second_factor(alice)
    for _ in range(LIMIT - 1):
        assert password_step(client, "alice", "wrong-password").status_code == 200
    assert password_step(client, "alice", "wrong-password").status_code == 429
    response = password_step(client, "alice")
    assert response.status_code == 429
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_lockout_looks_the_same_whether_or_not_the_account_exists(client, alice):
    with_password(alice)
    for name in ("alice", "nobody-by-this-name"):
        for _ in range(LIMIT):
            password_step(client, name, "wrong-password")
    existing = password_step(client, "alice", "wrong-password")
    missing = password_step(client, "nobody-by-this-name", "wrong-password")
    assert existing.status_code == missing.status_code == 429
    assert normalized(existing) == normalized(missing)


def test_failures_before_the_lockout_look_the_same_too(client, alice):
    with_password(alice)
    existing = password_step(client, "alice", "wrong-password")
    missing = password_step(client, "nobody-by-this-name", "wrong-password")
    assert existing.status_code == missing.status_code == 200
    assert normalized(existing) == normalized(missing)


def test_an_inactive_account_fails_like_a_wrong_password(client, alice):
    with_password(alice)
    alice.is_active = False
    alice.save()
    inactive = password_step(client, "alice")
    wrong = password_step(client, "nobody-by-this-name", PASSWORD)
    assert normalized(inactive) == normalized(wrong)


def test_axes_keeps_a_digest_of_the_typed_name_never_the_name(client, db):
    typed = "maybe-a-password-typed-in-the-wrong-box"
    password_step(client, typed, "wrong-password")
    attempt = AccessAttempt.objects.get()
    stored = " ".join(str(value) for value in attempt.__dict__.values())
    assert typed not in stored
    assert re.fullmatch(r"[0-9a-f]{64}", attempt.username)
    assert "wrong-password" not in stored


def test_successful_sign_ins_leave_no_axes_access_log(client, alice):
    with_password(alice)
    password_step(client, "alice")
    assert not AccessLog.objects.exists()


def test_the_lockout_ends_after_the_cool_off(client, alice):
    with_password(alice)
    for _ in range(LIMIT):
        password_step(client, "alice", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert password_step(client, "alice").status_code == 302


def test_the_lockout_counts_per_name_and_address(client, alice):
    with_password(alice)
    for _ in range(LIMIT):
        password_step(client, "alice", "wrong-password", REMOTE_ADDR="198.51.100.7")
    assert password_step(client, "alice", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert password_step(client, "alice", REMOTE_ADDR="198.51.100.8").status_code == 302


@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_added():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.9", REMOTE_ADDR="10.0.0.2"
    )
    assert client_address(request) == "198.51.100.9"
    spoofed = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2")
    assert client_address(spoofed) == "10.0.0.2"


@override_settings(TRUSTED_PROXIES=0)
def test_without_a_proxy_forwarded_headers_are_ignored():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.50", REMOTE_ADDR="10.0.0.2")
    assert client_address(request) == "10.0.0.2"


def test_by_default_a_forwarded_header_does_not_escape_the_lockout(client, alice):
    """A client reaching the app directly writes a new X-Forwarded-For on every try; unless the
    deployment says a proxy stands in front, the header is ignored and the lockout holds."""
    with_password(alice)
    for attempt in range(LIMIT):
        password_step(
            client,
            "alice",
            "wrong-password",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = password_step(
        client, "alice", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429
