"""Attacks on staff sessions: a planted session id (fixation) is replaced at the password step
and again at the second factor; a session cookie copied before sign-out is dead after it; a
member removed from their organisation mid-session loses its records at the next request,
through the pages, the API and their API token alike."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.accounts_tests.conftest import current_code, password_step, with_password
from tests.attack_tests.conftest import referral_between, token_for
from tests.factories import second_factor, sign_in

pytestmark = pytest.mark.django_db
COOKIE = settings.SESSION_COOKIE_NAME


def url(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


def full_sign_in(client: Client, user) -> list[str]:
    """Signs in through the real pages; returns the session key after each step."""
    device = second_factor(user)
    keys = []
    assert password_step(client, user.username).status_code == 302
    keys.append(client.cookies[COOKIE].value)
    answer = client.post(url("accounts:two_factor"), {"code": current_code(device)})
    assert answer.status_code == 302
    keys.append(client.cookies[COOKIE].value)
    return keys


def test_a_planted_session_id_is_replaced_at_each_sign_in_step(world):
    user = with_password(world["caseworker-a"])
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    victim = Client()
    victim.cookies[COOKIE] = planted.session_key
    after_password, after_code = full_sign_in(victim, user)
    assert planted.session_key not in (after_password, after_code)
    assert after_password != after_code
    # The attacker, holding the planted id, is not signed in.
    attacker = Client()
    attacker.cookies[COOKIE] = planted.session_key
    assert attacker.get(url("referrals:inbox")).status_code == 302
    assert attacker.get("/api/staff/me/").status_code in (401, 403)
    # Nor does the half-signed-in key (password only) stay usable.
    half = Client()
    half.cookies[COOKIE] = after_password
    assert half.get(url("referrals:inbox")).status_code == 302


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(world):
    user = with_password(world["intake-b"])
    browser = Client()
    key = full_sign_in(browser, user)[-1]
    thief = Client()
    thief.cookies[COOKIE] = key
    assert thief.get(url("referrals:inbox")).status_code == 200  # the theft works while signed in
    signed_out = browser.post(url("accounts:logout"))
    assert signed_out.status_code == 200
    assert "cookies" in signed_out["Clear-Site-Data"]
    assert not Session.objects.filter(session_key=key).exists()
    answer = thief.get(url("referrals:inbox"))
    assert answer.status_code == 302 and answer["Location"].startswith(url("accounts:login"))
    assert thief.get("/api/v1/staff/referrals").status_code in (401, 403)
    assert thief.post(url("accounts:api_tokens"), {"name": "x"}).status_code in (302, 403)


def test_a_member_removed_mid_session_loses_access_at_the_next_request(world):
    referral = referral_between(world, accepted=True)
    intake = world["intake-b"]
    secret = token_for(intake)
    pages = sign_in(Client(), intake)
    token = Client(headers={"authorization": f"Bearer {secret}"})
    detail = url("referrals:detail", pk=referral.pk)
    assert pages.get(detail).status_code == 200
    assert pages.get(f"/api/v1/staff/referrals/{referral.pk}").status_code == 200
    assert token.get(f"/api/v1/staff/referrals/{referral.pk}/handoff").status_code == 200

    # B's admin removes them, in another browser, while their session is open.
    admin = sign_in(Client(), world["org_admin-b"])
    membership = intake.memberships.get()
    removed = admin.post(
        url("accounts:member", organization_id=world.b.pk, membership_id=membership.pk),
        {"do": "deactivate"},
    )
    assert removed.status_code == 302

    assert pages.get(detail).status_code == 404
    assert pages.get(url("referrals:inbox")).status_code == 404
    assert pages.post(url("referrals:contact", pk=referral.pk)).status_code == 404
    assert pages.get(f"/api/v1/staff/referrals/{referral.pk}").status_code == 403
    assert token.get(f"/api/v1/staff/referrals/{referral.pk}/handoff").status_code == 401


def test_a_password_change_elsewhere_ends_this_session_and_its_tokens(world):
    user = with_password(world["caseworker-a"])
    stolen = Client()
    full_sign_in(stolen, user)
    secret = token_for(user)
    owner = sign_in(Client(), user)
    changed = owner.post(
        url("accounts:password_change"),
        {
            "old_password": "Correct-Horse-Battery-42",
            "new_password1": "Another-Long-Passphrase-93",
            "new_password2": "Another-Long-Passphrase-93",
        },
    )
    assert changed.status_code == 302
    assert stolen.get(url("referrals:sent")).status_code == 302
    bearer = Client(headers={"authorization": f"Bearer {secret}"})
    assert bearer.get("/api/v1/staff/referrals").status_code == 401
