"""A cast for the permission matrix: one member of organisation A per role, an operator and an
outsider; and for each of A ("own") and B ("other") the records a rule can be asked about."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Invitation, Membership, hash_token
from services.models import Location, Organization, Phone, Service
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
    UserFactory,
    member,
)

ROLES = ("caseworker", "hotline", "intake", "org_admin", "steward", "observer")
PEOPLE = (*ROLES, "operator", "outsider")


@dataclass
class Side:
    organization: Organization
    service: Service
    location: Location
    phone: Phone
    membership: Membership  # a caseworker of this organisation, the one acted upon
    invitation: Invitation
    # Referrals as the rules see them (ids, status, consent): sent by this organisation to the
    # other one, and received by it from the other one, accepted, with contact consent.
    referral_out: SimpleNamespace | None = None
    referral_in: SimpleNamespace | None = None


@dataclass
class Cast:
    users: dict
    own: Side
    other: Side

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _side(organization: Organization, label: str) -> Side:
    location = LocationFactory(organization=organization)
    target = member(f"target-{label}", organization, "caseworker")
    # B needs an admin of its own, as every organisation has.
    if label == "b":
        member("admin-b", organization, "org_admin")
    return Side(
        organization=organization,
        service=ServiceFactory(organization=organization),
        location=location,
        phone=Phone.objects.create(location=location, number="+57 300 000 0000"),
        membership=target.memberships.get(),
        invitation=Invitation.objects.create(
            organization=organization,
            email=f"invited-{label}@example.org",
            role="caseworker",
            token_hash=hash_token(f"token-{label}"),
            expires_at=timezone.now() + timedelta(hours=72),
        ),
    )


@pytest.fixture
def cast(db) -> Cast:
    a = OrganizationFactory(name="Organización A", is_verified_partner=True)
    b = OrganizationFactory(name="Organización B", is_verified_partner=True)
    users = {role: member(f"{role}-a", a, role) for role in ROLES}
    users["operator"] = UserFactory(username="operator", is_superuser=True, is_staff=True)
    users["outsider"] = UserFactory(username="outsider")
    own, other = _side(a, "a"), _side(b, "b")
    for this, that in ((own, other), (other, own)):
        consent = SimpleNamespace(
            shares_needs=True,
            shares_contact=True,
            contact_channel="phone",
            revoked_at=None,
            expires_at=timezone.now() + timedelta(days=30),
        )
        this.referral_out = SimpleNamespace(
            referring_organization_id=this.organization.pk,
            receiving_organization_id=that.organization.pk,
            status="sent",
            consent=consent,
        )
        this.referral_in = SimpleNamespace(
            referring_organization_id=that.organization.pk,
            receiving_organization_id=this.organization.pk,
            status="accepted",
            consent=consent,
        )
    return Cast(users=users, own=own, other=other)


PASSWORD = "Correct-Horse-Battery-42"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def current_code(device) -> str:
    """What the member's authenticator app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_step(client, username: str, password: str = PASSWORD, **extra):
    from django.urls import reverse

    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )
