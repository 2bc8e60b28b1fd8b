"""Staff API tokens: made and revoked only from a two-factor session, shown once, stored as a
hash, refused (401, audited, token never in the audit) when revoked, expired, the account
deactivated, the password changed or every membership lost."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken, hash_token
from audit.models import AuditEvent
from tests.factories import member, sign_in

pytestmark = pytest.mark.django_db
ME = "/api/staff/me/"
REFERRALS = "/api/v1/staff/referrals"


def tokens_url() -> str:
    with translation.override("en"):
        return reverse("accounts:api_tokens")


def make_token(user, name: str = "script") -> str:
    """Issues a token through the page, as a member would, and returns the secret shown."""
    page = sign_in(Client(), user).post(tokens_url(), {"name": name})
    assert page.status_code == 200
    token = ApiToken.objects.filter(user=user).latest("created_at")
    text = page.content.decode()
    start = text.index(token.prefix)
    secret = text[start : text.index("<", start)]
    assert hash_token(secret) == token.token_hash
    return secret


def bearer(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}"})


def audit_mentions(secret: str) -> bool:
    return any(
        secret in str(row) or secret[4:20] in str(row)
        for row in AuditEvent.objects.values_list("details", "object_id", "action")
    )


def test_a_token_made_from_a_two_factor_session_works_and_is_stored_as_a_hash_only(org_a, bob):
    secret = make_token(bob)
    token = ApiToken.objects.get(user=bob)
    assert secret.startswith("enl_") and len(secret) > 40
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert token.prefix == secret[:10]
    answer = bearer(secret).get(ME)
    assert answer.status_code == 200 and answer.json()["username"] == "bob"
    assert bearer(secret).get(REFERRALS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 30
    assert AuditEvent.objects.filter(action="accounts.api_token_issued", actor_id=bob.pk).exists()
    assert not audit_mentions(secret)
    # Shown once: the list afterwards has the prefix, never the token.
    listing = sign_in(Client(), bob).get(tokens_url()).content.decode()
    assert token.prefix in listing and secret not in listing


@override_settings(API_TOKEN_VALID_DAYS=7)
def test_the_lifetime_is_configurable(org_a, bob):
    make_token(bob)
    token = ApiToken.objects.get(user=bob)
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 7


def test_a_password_only_session_cannot_make_a_token(org_a, bob):
    client = Client()
    client.force_login(bob, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.post(tokens_url(), {"name": "x"})
    assert answer.status_code in (302, 404)
    assert not ApiToken.objects.exists()


def test_a_token_cannot_make_or_revoke_tokens_or_use_staff_pages(org_a, bob):
    secret = make_token(bob)
    client = bearer(secret)
    assert client.post(tokens_url(), {"name": "more"}).status_code in (302, 403, 404)
    assert ApiToken.objects.filter(user=bob).count() == 1
    token = ApiToken.objects.get(user=bob)
    with translation.override("en"):
        revoke = reverse("accounts:revoke_api_token", args=[token.pk])
    client.post(revoke, {"confirm": "1"})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_no_authorization_is_a_401_that_names_the_bearer_scheme():
    answer = Client().get(ME)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer enl_forged-token-value", "Bearer nope", "bearer enl_"],
)
def test_malformed_and_unknown_tokens_are_401_and_audited(header):
    answer = Client(headers={"authorization": header}).get(ME)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    event = AuditEvent.objects.get(action="accounts.api_token_refused")
    assert event.details["reason"] in ("malformed", "unknown")
    assert "forged" not in str(event.details)


def test_revoked_token_is_refused(org_a, bob):
    secret = make_token(bob)
    token = ApiToken.objects.get(user=bob)
    with translation.override("en"):
        revoke = reverse("accounts:revoke_api_token", args=[token.pk])
    assert sign_in(Client(), bob).post(revoke, {"confirm": "1"}).status_code == 302
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked").count() == 1
    refused = AuditEvent.objects.get(action="accounts.api_token_refused")
    assert refused.details == {"reason": "revoked"} and refused.object_id == str(token.pk)
    assert not audit_mentions(secret)


def test_someone_elses_token_cannot_be_revoked_and_is_a_404(org_a, org_b, bob, charlie):
    make_token(bob)
    token = ApiToken.objects.get(user=bob)
    with translation.override("en"):
        revoke = reverse("accounts:revoke_api_token", args=[token.pk])
    assert sign_in(Client(), charlie).post(revoke, {"confirm": "1"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(org_a, bob):
    secret = make_token(bob)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.get(action="accounts.api_token_refused").details == {
        "reason": "expired"
    }


def test_tokens_die_when_the_account_is_deactivated(org_a, bob):
    secret = make_token(bob)
    bob.is_active = False
    bob.save()
    token = ApiToken.objects.get(user=bob)
    assert token.revoked_because == "deactivated"
    bob.is_active = True
    bob.save()
    assert bearer(secret).get(ME).status_code == 401


def test_tokens_die_when_the_password_changes_even_without_a_save_signal(org_a, bob, alice):
    secret = make_token(bob)
    bob.set_password("A-new-password-for-bob-77")
    bob.save()
    assert ApiToken.objects.get(user=bob).revoked_because == "password_changed"
    assert bearer(secret).get(ME).status_code == 401
    # A queryset update sends no signal: the fingerprint still catches it.
    other = make_token(alice)
    from accounts.models import User

    User.objects.filter(pk=alice.pk).update(password="argon2$changed-behind-our-back")
    assert bearer(other).get(ME).status_code == 401
    assert ApiToken.objects.get(user=alice).revoked_because == "password_changed"


def test_a_member_removed_from_every_organisation_is_refused(org_a, bob):
    secret = make_token(bob)
    bob.memberships.update(is_active=False)
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.get(action="accounts.api_token_refused").details == {
        "reason": "no_membership"
    }


def test_a_token_reaches_only_its_users_records(org_a, org_b, bob, charlie):
    """The token carries its user's rules: charlie (admin of B) sees B's members only."""
    secret = make_token(charlie)
    visible = bearer(secret).get("/api/staff/memberships/").json()
    organizations = {row["organization"] for row in visible}
    assert organizations == {str(org_b.pk)}
    bob_membership = bob.memberships.get()
    answer = bearer(secret).patch(
        f"/api/staff/memberships/{bob_membership.pk}/",
        {"role": "intake"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    bob_membership.refresh_from_db()
    assert bob_membership.role == "caseworker"


def test_the_token_page_is_in_spanish(org_a, bob):
    with translation.override("es"):
        url = reverse("accounts:api_tokens")
    text = sign_in(Client(), bob).get(url).content.decode()
    assert "Tokens de la API" in text or "tokens de la API" in text


def test_the_staff_schema_declares_the_bearer_scheme(org_a, bob):
    secret = make_token(bob)
    schema = bearer(secret).get("/api/v1/staff/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_a_member_who_is_new_then_invited_elsewhere_keeps_a_working_token(org_a, org_b, bob):
    secret = make_token(bob)
    bob.memberships.update(is_active=False)
    assert bearer(secret).get(ME).status_code == 401
    member("bob", org_b, "caseworker")
    assert bearer(secret).get(ME).status_code == 200


def test_a_flood_of_bad_tokens_writes_one_audit_event_per_address_and_minute():
    """Every answer is a 401, but the append-only audit log keeps one refusal per address,
    reason and window, so that a loop of forged tokens cannot swamp it."""
    flood = Client(headers={"authorization": "Bearer enl_forged-token-value"})
    other = Client(
        headers={"authorization": "Bearer enl_forged-token-value"}, REMOTE_ADDR="10.9.8.7"
    )
    assert all(flood.get(ME).status_code == 401 for _ in range(25))
    assert AuditEvent.objects.filter(action="accounts.api_token_refused").count() == 1
    assert other.get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.api_token_refused").count() == 2


def test_refusals_are_audited_every_time_when_the_cache_is_down():
    """With Redis unreachable the throttle cannot count: it lets every event through rather
    than drop them."""
    down = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):
        flood = Client(headers={"authorization": "Bearer enl_forged-token-value"})
        assert all(flood.get(ME).status_code == 401 for _ in range(3))
    assert AuditEvent.objects.filter(action="accounts.api_token_refused").count() == 3
