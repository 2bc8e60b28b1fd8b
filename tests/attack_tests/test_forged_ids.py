"""IDOR: the permission matrix replayed with forged ids, through the staff API (session and
bearer token) and the staff pages. Another organisation's referral, service, membership or
invitation is a 404 that reads exactly like an id that does not exist, and nothing changes."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Invitation, Membership, hash_token
from audit.models import AuditEvent
from referrals.models import Referral, ReferralEvent
from tests.attack_tests.conftest import referral_between, token_for
from tests.factories import sign_in

pytestmark = pytest.mark.django_db
API = "/api/v1/staff/referrals"


def page(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


def snapshot() -> tuple:
    """Everything an attack here could change."""
    return (
        list(Referral.objects.order_by("pk").values_list("pk", "status", "version")),
        ReferralEvent.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "is_active")),
        list(Invitation.objects.order_by("pk").values_list("pk", "revoked_at")),
    )


@pytest.fixture
def foreign(world):
    """Records caseworker-a and admin A may not touch: a referral from B to A (A's caseworker is
    not on its receiving side), B's membership and B's invitation."""
    referral = referral_between(world, to_a=True, accepted=True)
    invitation = Invitation.objects.create(
        organization=world.b,
        email="nueva@example.org",
        role="caseworker",
        token_hash=hash_token("forged-test"),
        expires_at=timezone.now() + timedelta(hours=72),
    )
    return {
        "referral": referral,
        "membership": world["caseworker-b"].memberships.get(),
        "invitation": invitation,
    }


def api_clients(user) -> dict:
    return {
        "session": sign_in(Client(), user),
        "token": Client(headers={"authorization": f"Bearer {token_for(user)}"}),
    }


@pytest.mark.parametrize("how", ["session", "token"])
def test_another_organisations_referral_is_the_same_404_as_none_through_the_api(
    world, foreign, how
):
    client = api_clients(world["caseworker-a"])[how]
    referral = foreign["referral"]
    before = snapshot()
    for forged in (referral.pk, uuid.uuid4()):
        detail = client.get(f"{API}/{forged}")
        handoff = client.get(f"{API}/{forged}/handoff")
        move = client.post(
            f"{API}/{forged}/transitions",
            {"move": "close", "version": referral.version, "outcome": "served"},
            content_type="application/json",
        )
        for answer in (detail, handoff, move):
            assert answer.status_code == 404
            assert answer.json() == {"detail": "No encontrado."} or "detail" in answer.json()
        bodies = {detail.content, handoff.content, move.content}
        assert len(bodies) == 1, bodies  # one answer whatever the id and the endpoint
    listed = {row["id"] for row in client.get(API).json()}
    assert str(referral.pk) not in listed
    assert referral.code not in client.get(API).content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_referral_cannot_be_made_for_another_organisation_or_a_forged_service(
    world, foreign, how
):
    client = api_clients(world["caseworker-a"])[how]
    before = snapshot()
    body = {
        "service": str(world.service_b.pk),
        "client_language": "es",
        "consent_method": "verbal",
        "idempotency_key": str(uuid.uuid4()),
    }
    as_b = client.post(
        API, {**body, "organization": str(world.b.pk)}, content_type="application/json"
    )
    forged_service = client.post(
        API, {**body, "service": str(uuid.uuid4())}, content_type="application/json"
    )
    assert as_b.status_code == forged_service.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("how", ["session", "token"])
def test_another_organisations_membership_is_a_404_through_the_api(world, foreign, how):
    client = api_clients(world["org_admin-a"])[how]
    before = snapshot()
    target = foreign["membership"]
    for forged in (target.pk, 10**9):
        assert client.get(f"/api/staff/memberships/{forged}/").status_code == 404
        answer = client.patch(
            f"/api/staff/memberships/{forged}/",
            {"is_active": False, "role": "org_admin"},
            content_type="application/json",
        )
        assert answer.status_code == 404
    visible = {row["id"] for row in client.get("/api/staff/memberships/").json()}
    assert target.pk not in visible
    filtered = client.get(f"/api/staff/memberships/?organization={world.b.pk}").json()
    assert filtered == []
    assert snapshot() == before


def test_referral_pages_with_another_organisations_id_are_404_and_change_nothing(world, foreign):
    client = sign_in(Client(), world["caseworker-a"])
    referral = foreign["referral"]
    before = snapshot()
    for forged in (referral.pk, uuid.uuid4()):
        for name in ("referrals:detail", "referrals:made", "referrals:slip"):
            assert client.get(page(name, pk=forged)).status_code == 404, name
        for name, data in (
            ("referrals:move", {"move": "close", "version": referral.version, "outcome": "served"}),
            ("referrals:contact", {}),
        ):
            assert client.post(page(name, pk=forged), data).status_code == 404, name
    # A forged service id on screen two of making a referral.
    assert client.get(page("referrals:create", service_id=uuid.uuid4())).status_code == 404
    assert snapshot() == before


def test_member_pages_with_another_organisations_ids_are_404_and_change_nothing(world, foreign):
    admin_a = sign_in(Client(), world["org_admin-a"])
    b, a = world.b, world.a
    membership, invitation = foreign["membership"], foreign["invitation"]
    before = snapshot()
    events = AuditEvent.objects.count()
    assert admin_a.get(page("accounts:members", organization_id=b.pk)).status_code == 404
    invite = admin_a.post(
        page("accounts:members", organization_id=b.pk), {"email": "x@example.org", "role": "intake"}
    )
    assert invite.status_code == 404
    # B's membership under B's id, and smuggled under A's own organisation id.
    for org in (b.pk, a.pk):
        url = page("accounts:member", organization_id=org, membership_id=membership.pk)
        assert admin_a.get(url).status_code == 404
        assert admin_a.post(url, {"do": "deactivate"}).status_code == 404
        assert admin_a.post(url, {"do": "role", "role": "org_admin"}).status_code == 404
        withdraw = page(
            "accounts:revoke_invitation", organization_id=org, invitation_id=invitation.pk
        )
        assert admin_a.post(withdraw, {"confirm": "1"}).status_code == 404
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_the_audit_log_of_another_organisation_shows_nothing_of_it(world, foreign):
    admin_a = sign_in(Client(), world["org_admin-a"])
    answer = admin_a.get(page("audit:events") + f"?organization={world.b.pk}")
    assert answer.status_code in (403, 404) or str(world.b.pk) not in answer.content.decode()
    api = admin_a.get(f"/api/staff/audit/?organization={world.b.pk}")
    if api.status_code == 200:
        rows = api.json()
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        assert all(row.get("organization") != str(world.b.pk) for row in rows)


def test_another_organisations_listing_can_be_read_and_suggested_to_but_not_changed(world):
    """Any staff member may read a listing and suggest an edit (by design); only its own
    organisation's admins (or stewards) verify it, change its places or apply an edit."""
    admin_a = sign_in(Client(), world["org_admin-a"])
    service_b = world.service_b
    before = (service_b.name, service_b.last_verified_at)
    assert admin_a.post(page("listings:verify", pk=service_b.pk)).status_code == 404
    assert (
        admin_a.post(page("listings:capacity", pk=service_b.pk), {"delta": "1"}).status_code == 404
    )
    admin_a.post(
        page("listings:change", pk=service_b.pk),
        {"field_name": "name", "proposed_value": "Renamed by A", "apply": "1"},
    )
    for forged in (uuid.uuid4(),):
        assert admin_a.get(page("listings:listing", pk=forged)).status_code == 404
        assert admin_a.post(page("listings:verify", pk=forged)).status_code == 404
    service_b.refresh_from_db()
    assert (service_b.name, service_b.last_verified_at) == before
