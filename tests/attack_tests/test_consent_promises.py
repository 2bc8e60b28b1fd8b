"""The promises a referral's consent makes, attacked where data is read: an expired consent, a
scope that leaves needs or the phone out, a token that outlives the second factor or reaches
past its scope, free text smuggled into a reason, an admin making themself intake, and a server
running without its master key. Each was possible once; each must stay impossible."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, hash_token
from audit.models import AuditEvent
from referrals.models import Consent, ContactHandoff, Referral, ReferralEvent
from tests.factories import member, sign_in
from tests.referrals_tests.staff_world import CANARY, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/referrals"
PHONE = "+57 300 555 4417"


def client_for(user) -> Client:
    return sign_in(Client(), user)


def post(client: Client, path: str, data: dict, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def payload(world, **extra) -> dict:
    data = {
        "service": str(world.service_b.pk),
        "client_language": "es",
        "consent_method": "verbal",
        "script_language": "es",
        "age_band": "26_40",
        "gender": "woman",
        "shares_contact": True,
        "contact_channel": "phone",
        "contact_name": CANARY,
        "contact_phone": PHONE,
        "note": "nota-zafiro-4417",
    }
    data.update(extra)
    return data


def accepted(world, **extra) -> dict:
    made = post(client_for(world["caseworker-a"]), BASE, payload(world, **extra))
    assert made.status_code == 201, made.content
    body = made.json()
    answer = post(
        client_for(world["intake-b"]),
        f"{BASE}/{body['id']}/transitions",
        {"move": "accept", "version": body["version"]},
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def expire_consent(referral_id, days_ago: int = 100) -> None:
    Consent.objects.filter(referral_id=referral_id).update(
        expires_at=timezone.now() - timedelta(days=days_ago)
    )


def token_page() -> str:
    with translation.override("en"):
        return reverse("accounts:api_tokens")


def make_token(user, *scopes: str) -> str:
    page = sign_in(Client(), user).post(token_page(), {"name": "script", "scopes": list(scopes)})
    assert page.status_code == 200, page.content
    token = ApiToken.objects.filter(user=user).latest("created_at")
    text = page.content.decode()
    start = text.index(token.prefix)
    secret = text[start : text.index("<", start)]
    assert hash_token(secret) == token.token_hash
    return secret


def bearer(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}"})


# --- 1. consent expiry ------------------------------------------------------------------------


def test_an_expired_consent_hides_the_contact_details_on_the_api_and_the_page(world):
    referral = accepted(world)
    intake = client_for(world["intake-b"])
    assert intake.get(f"{BASE}/{referral['id']}/handoff").status_code == 200
    expire_consent(referral["id"])
    assert intake.get(f"{BASE}/{referral['id']}/handoff").status_code == 404
    with translation.override("en"):
        contact = reverse("referrals:contact", kwargs={"pk": referral["id"]})
        detail = reverse("referrals:detail", kwargs={"pk": referral["id"]})
    assert intake.post(contact).status_code == 404
    page = intake.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert CANARY not in page and PHONE not in page


# --- 2. scope ---------------------------------------------------------------------------------


def test_without_consent_to_share_needs_the_receiver_sees_no_needs_or_demographics(world):
    from services.models import TaxonomyTerm
    from tests.factories import TaxonomyTermFactory

    term = TaxonomyTermFactory(name="Vivienda segura-4417")
    assert TaxonomyTerm.objects.filter(pk=term.pk).exists()
    referral = accepted(world, shares_needs=False, needs=[str(term.pk)])
    seen = client_for(world["intake-b"]).get(f"{BASE}/{referral['id']}").json()
    assert seen["needs"] == [] and seen["age_band"] == "" and seen["gender"] == ""
    with translation.override("en"):
        detail = reverse("referrals:detail", kwargs={"pk": referral["id"]})
    page = client_for(world["intake-b"]).get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Vivienda segura-4417" not in page and "26 to 40" not in page
    # The referring side recorded them with the client and still sees them.
    own = client_for(world["caseworker-a"]).get(f"{BASE}/{referral['id']}").json()
    assert own["needs"] == [str(term.pk)] and own["age_band"] == "26_40"


def test_the_channel_through_the_referring_organisation_hands_no_phone_to_the_receiver(world):
    refused = post(
        client_for(world["caseworker-a"]), BASE, payload(world, contact_channel="referrer")
    )
    assert refused.status_code == 400 and refused.json()["code"] == "channel_phone"
    assert not Referral.objects.exists()
    referral = accepted(world, contact_channel="referrer", contact_phone="")
    details = client_for(world["intake-b"]).get(f"{BASE}/{referral['id']}/handoff")
    assert details.status_code == 200
    assert details.json()["phone"] == "" and PHONE not in details.content.decode()


# --- 3. tokens --------------------------------------------------------------------------------


def test_a_token_stops_reading_contact_details_once_the_second_factor_is_deleted(world):
    referral = accepted(world)
    secret = make_token(world["intake-b"], "referrals:read", "handoff:read")
    assert bearer(secret).get(f"{BASE}/{referral['id']}/handoff").status_code == 200
    TOTPDevice.objects.filter(user=world["intake-b"]).delete()  # the operator's "lost phone"
    assert bearer(secret).get(f"{BASE}/{referral['id']}/handoff").status_code == 401
    token = ApiToken.objects.get(user=world["intake-b"])
    assert token.revoked_at is not None and token.revoked_because == "second_factor"


def test_a_token_without_the_handoff_scope_cannot_read_contact_details(world):
    referral = accepted(world)
    secret = make_token(world["intake-b"], "referrals:read")
    assert bearer(secret).get(f"{BASE}/{referral['id']}").status_code == 200
    refused = bearer(secret).get(f"{BASE}/{referral['id']}/handoff")
    # The same 404 as a referral that is not yours, for this id and any other.
    assert refused.status_code == 404
    assert refused.content == bearer(secret).get(f"{BASE}/{uuid.uuid4()}/handoff").content
    assert CANARY not in refused.content.decode()


# --- 4. reasons -------------------------------------------------------------------------------


def test_free_text_in_a_moves_reason_is_refused_with_the_list_and_never_stored(world):
    made = post(client_for(world["caseworker-a"]), BASE, payload(world)).json()
    intake = client_for(world["intake-b"])
    url = f"{BASE}/{made['id']}/transitions"
    for move in ("accept", "decline"):
        answer = post(
            intake, url, {"move": move, "version": made["version"], "reason": "Ana Ruiz 3001234567"}
        )
        assert answer.status_code == 400, answer.content
        assert "Ana Ruiz" not in answer.content.decode()
    assert "no_capacity" in answer.content.decode()  # the choices are listed
    assert not ReferralEvent.objects.filter(reason__contains="Ana").exists()
    assert Referral.objects.get(pk=made["id"]).status == "sent"


# --- 5. sensitive role grants -----------------------------------------------------------------


def test_an_organisation_admin_who_makes_themself_intake_reads_nothing_until_another_confirms(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    referral = accepted(world)
    admin = world["org_admin-b"]
    membership = Membership.objects.get(user=admin, organization=world.b)
    with translation.override("en"):
        page = reverse(
            "accounts:member",
            kwargs={"organization_id": world.b.pk, "membership_id": membership.pk},
        )
    # A second admin first, so that the organisation keeps one when this one changes role.
    other_admin = member("org_admin-b2", world.b, "org_admin")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(page, {"do": "role", "role": "intake"})
    membership.refresh_from_db()
    assert membership.role == "intake"
    assert client_for(admin).get(f"{BASE}/{referral['id']}/handoff").status_code == 404
    # Nobody approves their own grant.
    assert client_for(admin).post(page, {"do": "confirm"}).status_code in (403, 404)
    membership.refresh_from_db()
    assert not membership.role_confirmed
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(other_admin).post(page, {"do": "confirm"}).status_code == 302
    # The organisation's admins were told twice (the grant, the confirmation), with no names.
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert other_admin.email in message.bcc
        assert admin.get_username() not in message.subject + message.body
    assert client_for(admin).get(f"{BASE}/{referral['id']}/handoff").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.role_grant_pending", "accounts.role_confirmed"} <= actions


# --- 6. the master key ------------------------------------------------------------------------


@override_settings(HANDOFF_MASTER_KEY="", HANDOFF_MASTER_KEYS="", DEBUG=False)
def test_without_a_master_key_the_checks_fail_and_the_server_is_not_ready(client):
    errors = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
    assert [m.id for m in errors] == ["referrals.E001"]
    assert client.get("/readyz").status_code == 503


@override_settings(HANDOFF_MASTER_KEYS="v1:not-base64!", HANDOFF_MASTER_KEY="", DEBUG=False)
def test_a_malformed_master_key_fails_the_checks():
    errors = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
    assert [m.id for m in errors] == ["referrals.E001"]


def test_a_rotated_master_key_still_opens_every_handoff_after_rewrapping(world, settings):
    import base64
    import os

    referral = accepted(world)
    handoff = ContactHandoff.objects.select_related("key").get(referral_id=referral["id"])
    ciphertext = bytes(handoff.ciphertext)
    old_id = handoff.key.master_key_id
    old_key = settings.HANDOFF_MASTER_KEY
    new_key = base64.b64encode(os.urandom(32)).decode()
    settings.HANDOFF_MASTER_KEYS = f"v2:{new_key},{old_id}:{old_key}"
    intake = client_for(world["intake-b"])
    assert intake.get(f"{BASE}/{referral['id']}/handoff").json()["name"] == CANARY
    call_command("rotate_handoff_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("rotate_handoff_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    handoff.refresh_from_db()
    handoff.key.refresh_from_db()
    assert handoff.key.master_key_id == "v2" and bytes(handoff.ciphertext) == ciphertext
    settings.HANDOFF_MASTER_KEYS = f"v2:{new_key}"  # the old key retired
    assert intake.get(f"{BASE}/{referral['id']}/handoff").json()["name"] == CANARY
    rotations = AuditEvent.objects.filter(action__startswith="referrals.key_rotation")
    assert rotations.count() == 4


def test_a_debug_error_page_while_sealing_shows_no_contact_detail(world, settings):
    settings.DEBUG = True
    settings.HANDOFF_MASTER_KEY = ""
    settings.HANDOFF_MASTER_KEYS = ""
    from tests.referrals_tests.staff_world import referral_form

    client = client_for(world["caseworker-a"])
    client.raise_request_exception = False
    with translation.override("en"):
        url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    answer = client.post(url, referral_form(world))
    assert answer.status_code == 500
    text = answer.content.decode()
    assert "Traceback" in text or "ImproperlyConfigured" in text  # the debug page, really
    for secret in (CANARY, PHONE, "nota-zafiro-4417"):
        assert secret not in text
    answer = post(client, BASE, payload(world, idempotency_key=str(uuid.uuid4())))
    assert answer.status_code == 500
    for secret in (CANARY, PHONE, "nota-zafiro-4417"):
        assert secret not in answer.content.decode()
