"""Invitations: an expiring (72 h), single-use link whose token is stored only as a hash."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, User, hash_token
from audit.models import AuditEvent
from tests.accounts_tests.conftest import current_code
from tests.factories import second_factor, sign_in

NEW_PASSWORD = "Una-Frase-Larga-De-Paso-91"


@pytest.fixture
def invite(client, alice, org_a, mailoutbox, django_capture_on_commit_callbacks):
    """Alice invites someone; returns (invitation, the link from the e-mail)."""

    def send(email: str = "nueva@example.org", role: str = "intake"):
        sign_in(client, alice)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:members", args=[org_a.pk]), {"email": email, "role": role}
            )
        client.post(reverse("accounts:logout"))
        link = re.search(r"https?://\S+", mailoutbox[-1].body).group(0)
        return Invitation.objects.get(email=email), link.replace(settings.SITE_URL, "")

    return send


def test_the_invitation_stores_a_hash_of_the_token_and_expires_in_72_hours(invite):
    invitation, link = invite()
    token = link.split("t=", 1)[1]
    assert invitation.token_hash == hash_token(token)
    assert (
        timedelta(hours=71, minutes=59)
        < invitation.expires_at - invitation.created_at
        <= timedelta(hours=72, minutes=1)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(i)::text FROM accounts_invitation i")
        assert token not in cursor.fetchone()[0]
    assert AuditEvent.objects.filter(action="accounts.invitation_created").count() == 1


def test_following_the_link_moves_the_token_out_of_the_address(client, invite):
    invitation, link = invite()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:invitation")
    assert "t=" not in response["Location"]


def test_a_newcomer_creates_an_account_and_joins_with_the_invited_role(client, invite, org_a):
    invitation, link = invite()
    client.get(link)
    page = client.get(reverse("accounts:invitation"))
    assert page.status_code == 200 and "Organización A" in page.content.decode()
    response = client.post(
        reverse("accounts:invitation"),
        {
            "first_name": "Nueva",
            "last_name": "Persona",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:two_factor_setup")
    user = User.objects.get(email="nueva@example.org")
    assert user.username == "nueva@example.org" and user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organization_id, membership.role, membership.is_active) == (
        org_a.pk,
        "intake",
        True,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at
    # Signed in with the password only: next comes the second factor.
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )


def test_a_link_works_once(client, invite):
    invitation, link = invite()
    client.get(link)
    client.post(
        reverse("accounts:invitation"),
        {"first_name": "Nueva", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    other = client.__class__()
    other.get(link)
    assert other.get(reverse("accounts:invitation")).status_code == 404
    assert Membership.objects.filter(user__email="nueva@example.org").count() == 1


def test_an_expired_link_does_nothing(client, invite):
    invitation, link = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.get(link)
    assert client.get(reverse("accounts:invitation")).status_code == 404
    response = client.post(
        reverse("accounts:invitation"),
        {"first_name": "Nueva", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="nueva@example.org").exists()


def test_a_withdrawn_link_does_nothing(client, alice, org_a, invite):
    invitation, link = invite()
    sign_in(client, alice)
    client.post(
        reverse("accounts:revoke_invitation", args=[org_a.pk, invitation.pk]), {"confirm": "1"}
    )
    client.post(reverse("accounts:logout"))
    client.get(link)
    assert client.get(reverse("accounts:invitation")).status_code == 404
    assert AuditEvent.objects.filter(action="accounts.invitation_revoked").exists()


def test_a_made_up_token_looks_like_an_expired_one(client, invite):
    invite()
    client.get(reverse("accounts:invitation_link") + "?t=made-up")
    assert client.get(reverse("accounts:invitation")).status_code == 404


def test_someone_with_an_account_signs_in_with_both_factors_then_joins(
    client, invite, charlie, org_a
):
    invitation, link = invite(email="charlie@example.org", role="caseworker")
    client.get(link)
    page = client.get(reverse("accounts:invitation")).content.decode()
    assert "Sign in" in page or "Inicia" in page or reverse("accounts:login") in page
    # Creating a second account for the address is refused, to the holder of the link only.
    refused = client.post(
        reverse("accounts:invitation"),
        {"first_name": "C", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert User.objects.filter(email="charlie@example.org").count() == 1

    charlie.set_password(NEW_PASSWORD)
    charlie.save()
    device = second_factor(charlie)
    client.post(reverse("accounts:login"), {"username": "charlie", "password": NEW_PASSWORD})
    client.post(
        reverse("accounts:two_factor"),
        {"code": current_code(device), "next": reverse("accounts:invitation")},
    )
    assert client.get(reverse("accounts:invitation")).status_code == 200
    assert client.post(reverse("accounts:invitation"))["Location"] == reverse("accounts:dashboard")
    assert Membership.objects.get(user=charlie, organization=org_a).role == "caseworker"


def test_an_invitation_is_for_its_address_only(client, invite, bob):
    invitation, link = invite(email="someone-else@example.org")
    sign_in(client, bob)
    client.get(link)
    assert client.post(reverse("accounts:invitation")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user=bob).exclude(role="caseworker").exists()


def test_an_org_admin_cannot_invite_a_steward(client, alice, org_a):
    sign_in(client, alice)
    response = client.post(
        reverse("accounts:members", args=[org_a.pk]), {"email": "x@example.org", "role": "steward"}
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Invitation.objects.exists()
