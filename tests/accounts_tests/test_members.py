"""Organisation admins change roles and deactivate members of their own organisation, audited."""

from django.urls import reverse

from accounts import permissions
from accounts.models import Membership
from audit.models import AuditEvent
from tests.factories import member, sign_in, verified


def test_a_role_change_is_made_and_audited_with_before_and_after(client, alice, bob, org_a):
    membership = bob.memberships.get()
    sign_in(client, alice)
    client.post(
        reverse("accounts:member", args=[org_a.pk, membership.pk]), {"do": "role", "role": "intake"}
    )
    membership.refresh_from_db()
    assert membership.role == "intake"
    event = AuditEvent.objects.get(action="accounts.role_changed")
    assert (event.actor_id, event.organization_id, event.object_id) == (
        alice.pk,
        org_a.pk,
        str(membership.pk),
    )
    assert event.details == {"from": "caseworker", "to": "intake"}
    assert event.object_type == "accounts.membership"


def test_a_deactivated_member_loses_the_organisation_at_the_next_request(client, alice, bob, org_a):
    bob_client = client.__class__()
    sign_in(bob_client, bob)
    assert permissions.may_make_referrals(verified(bob), org_a)
    sign_in(client, alice)
    client.post(
        reverse("accounts:member", args=[org_a.pk, bob.memberships.get().pk]), {"do": "deactivate"}
    )
    fresh = type(bob).objects.get(pk=bob.pk)  # roles are read once per request's user object
    assert not permissions.may_make_referrals(verified(fresh), org_a)
    assert "Organización A" not in bob_client.get(reverse("accounts:dashboard")).content.decode()
    assert AuditEvent.objects.filter(action="accounts.member_deactivated").count() == 1
    # The account stays (it may belong elsewhere), and can be brought back.
    assert bob.is_active
    client.post(
        reverse("accounts:member", args=[org_a.pk, bob.memberships.get().pk]), {"do": "reactivate"}
    )
    assert Membership.objects.get(user=bob).is_active


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, alice, org_a):
    membership = alice.memberships.get()
    sign_in(client, alice)
    url = reverse("accounts:member", args=[org_a.pk, membership.pk])
    client.post(url, {"do": "role", "role": "caseworker"})
    client.post(url, {"do": "deactivate"})
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == ("org_admin", True)
    # With a second admin, the first may step down.
    member("ana", org_a, "org_admin")
    client.post(url, {"do": "role", "role": "caseworker"})
    membership.refresh_from_db()
    assert membership.role == "caseworker"


def test_an_org_admin_cannot_change_a_stewards_membership(client, alice, org_a):
    steward = member("sam", org_a, "steward").memberships.get()
    sign_in(client, alice)
    url = reverse("accounts:member", args=[org_a.pk, steward.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"do": "deactivate"}).status_code == 403
    steward.refresh_from_db()
    assert steward.is_active


def test_charlie_cannot_reach_alices_members_by_guessing_ids(client, charlie, bob, org_a):
    sign_in(client, charlie)
    membership = bob.memberships.get()
    assert client.get(reverse("accounts:members", args=[org_a.pk])).status_code == 404
    # Charlie's own organisation id with A's membership id: still nothing.
    own = charlie.memberships.get().organization_id
    assert client.get(reverse("accounts:member", args=[own, membership.pk])).status_code == 404
    assert (
        client.get(reverse("staff_api:membership-detail", args=[membership.pk])).status_code == 404
    )


def test_the_members_page_lists_members_and_pending_invitations(client, alice, bob, org_a):
    sign_in(client, alice)
    page = client.get(reverse("accounts:members", args=[org_a.pk])).content.decode()
    assert "bob@example.org" in page and "alice@example.org" in page


def test_navigation_shows_what_the_member_may_use(client, alice, bob):
    sign_in(client, alice)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:members_index") in page and reverse("audit:events") in page
    sign_in(client, bob)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:members_index") not in page and reverse("audit:events") not in page


def test_the_staff_area_speaks_spanish_and_english(client, alice):
    sign_in(client, alice)
    spanish = client.get("/es/staff/").content.decode()
    assert "Área del personal" in spanish and "Cerrar sesión" in spanish
    english = client.get("/en/staff/").content.decode()
    assert "Staff area" in english and "Sign out" in english and 'lang="en"' in english
