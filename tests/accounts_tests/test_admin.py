"""The admin is for operators, with both factors; membership changes there are audited too."""

from django.urls import reverse

from accounts.models import Membership
from audit.models import AuditEvent
from tests.factories import UserFactory, sign_in


def test_an_operators_role_change_in_the_admin_is_audited(client, alice, bob, org_a):
    operator = UserFactory(username="olga", is_superuser=True, is_staff=True)
    sign_in(client, operator)
    membership = bob.memberships.get()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {"user": bob.pk, "organization": org_a.pk, "role": "intake", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "intake"
    event = AuditEvent.objects.get(action="accounts.role_changed")
    assert event.actor_id == operator.pk and event.details == {"from": "caseworker", "to": "intake"}


def test_memberships_cannot_be_deleted_in_the_admin(client, bob):
    sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))
    url = reverse("admin:accounts_membership_delete", args=[bob.memberships.get().pk])
    assert client.get(url).status_code == 403


def test_a_staff_flag_without_operator_rights_shows_no_memberships(client, alice):
    alice.is_staff = True
    alice.save()
    sign_in(client, alice)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 403


def test_the_admin_never_shows_an_invitations_token_hash(client, alice, org_a):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Invitation, hash_token

    invitation = Invitation.objects.create(
        organization=org_a,
        email="n@example.org",
        role="caseworker",
        token_hash=hash_token("secret-token"),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    assert page.status_code == 200
    assert invitation.token_hash not in page.content.decode()
