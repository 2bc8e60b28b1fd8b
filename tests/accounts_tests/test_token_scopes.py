"""Staff API tokens carry scopes: reading needs referrals:read, writing referrals:write, the
contact details handoff:read, which only intake staff can mint and which lasts 7 days at most.
Every token dies (audited) when the member's second factor is deleted or enrolled again, their
password is reset, their membership removed or their role changed; authentication checks that a
confirmed second factor still exists."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions
from accounts.models import ApiToken, Membership, hash_token
from audit.models import AuditEvent
from tests.factories import sign_in, verified
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/referrals"


def tokens_url() -> str:
    with translation.override("en"):
        return reverse("accounts:api_tokens")


def make_token(user, *scopes: str):
    page = sign_in(Client(), user).post(tokens_url(), {"name": "script", "scopes": list(scopes)})
    if page.status_code != 200:
        return page, None
    token = ApiToken.objects.filter(user=user).latest("created_at")
    text = page.content.decode()
    start = text.index(token.prefix)
    secret = text[start : text.index("<", start)]
    assert hash_token(secret) == token.token_hash
    return page, secret


def bearer(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}"})


def test_only_intake_staff_mint_a_handoff_token_and_it_lasts_a_week_at_most(world):
    for person in ("caseworker-a", "org_admin-b", "hotline-a"):
        page, secret = make_token(world[person], "referrals:read", "handoff:read")
        assert page.status_code == 400 and secret is None
        assert not ApiToken.objects.filter(user=world[person]).exists()
    page, secret = make_token(world["intake-b"], "referrals:read", "handoff:read")
    token = ApiToken.objects.get(user=world["intake-b"])
    assert token.scope_set == {"referrals:read", "handoff:read"}
    assert token.expires_at - token.created_at <= timedelta(days=7, seconds=1)
    issued = AuditEvent.objects.get(
        action="accounts.api_token_issued", actor_id=world["intake-b"].pk
    )
    assert issued.details["scopes"] == "handoff:read referrals:read"


def test_a_read_token_cannot_write_and_a_write_token_can(world):
    _page, reader = make_token(world["caseworker-a"], "referrals:read")
    body = {
        "service": str(world.service_b.pk),
        "client_language": "es",
        "consent_method": "verbal",
    }
    refused = bearer(reader).post(BASE, json.dumps(body), content_type="application/json")
    assert refused.status_code == 403
    _page, writer = make_token(world["caseworker-a"], "referrals:read", "referrals:write")
    made = bearer(writer).post(BASE, json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content


def test_without_a_choice_a_token_only_reads(world):
    _page, secret = make_token(world["caseworker-a"])
    assert ApiToken.objects.get().scopes == "referrals:read"
    assert bearer(secret).get(BASE).status_code == 200


def _revoked_because(user) -> set[str]:
    return set(ApiToken.objects.filter(user=user).values_list("revoked_because", flat=True))


def test_a_role_change_revokes_every_token_of_the_member(world):
    _page, secret = make_token(world["caseworker-a"])
    membership = Membership.objects.get(user=world["caseworker-a"])
    actions.change_role(actor=verified(world["org_admin-a"]), membership=membership, role="hotline")
    assert bearer(secret).get(BASE).status_code == 401
    assert _revoked_because(world["caseworker-a"]) == {"role_changed"}
    assert AuditEvent.objects.filter(
        action="accounts.api_token_revoked", details__because="role_changed"
    ).exists()


def test_removing_the_membership_revokes_every_token(world):
    _page, secret = make_token(world["caseworker-a"])
    membership = Membership.objects.get(user=world["caseworker-a"])
    actions.deactivate_member(actor=verified(world["org_admin-a"]), membership=membership)
    assert bearer(secret).get(BASE).status_code == 401
    assert _revoked_because(world["caseworker-a"]) == {"membership_removed"}


def test_enrolling_a_second_factor_again_revokes_every_token(world):
    user = world["caseworker-a"]
    _page, secret = make_token(user)
    # Re-enrolment replaces the authenticator: the old one is deleted (views/auth.py).
    new = TOTPDevice.objects.create(user=user, name="new phone", confirmed=True)
    TOTPDevice.objects.filter(user=user).exclude(pk=new.pk).delete()
    assert bearer(secret).get(BASE).status_code == 401
    assert _revoked_because(user) == {"second_factor"}


def test_a_token_whose_user_has_no_confirmed_second_factor_is_refused(world):
    user = world["caseworker-a"]
    _page, secret = make_token(user)
    # A path that sends no signal (a queryset update) still leaves no confirmed factor.
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    assert bearer(secret).get(BASE).status_code == 401
    assert _revoked_because(user) == {"second_factor"}


def test_a_password_reset_revokes_every_token(world, client):
    user = world["caseworker-a"]
    _page, secret = make_token(user)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    code = default_token_generator.make_token(user)
    with translation.override("en"):
        link = reverse("accounts:password_reset_link") + f"?u={uid}&t={code}"
    landing = client.get(link)
    assert landing.status_code == 302
    assert client.get(landing["Location"]).status_code == 200
    changed = client.post(
        landing["Location"],
        {
            "new_password1": "Another-Long-Passphrase-77",
            "new_password2": "Another-Long-Passphrase-77",
        },
    )
    assert changed.status_code == 302, changed.content
    assert bearer(secret).get(BASE).status_code == 401
    assert _revoked_because(user) == {"password_changed"}
