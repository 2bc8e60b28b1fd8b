"""Every role × every rule × own and other organisation, asked of the rule functions, the staff
pages and the staff API. One table of expectations; the three layers must agree with it."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import audit
from accounts import permissions
from accounts.models import Invitation, Membership
from audit.models import AuditEvent
from services.models import Suggestion
from tests.accounts_tests.conftest import PEOPLE, ROLES
from tests.factories import sign_in, verified

MEMBERS = set(ROLES)
EVERYONE_STAFF = MEMBERS | {"operator"}
MANAGERS = {"own": {"org_admin", "operator"}, "other": {"operator"}}
EDITORS = {"own": {"org_admin", "steward", "operator"}, "other": {"steward", "operator"}}
DIRECTORY_WIDE = {"own": {"steward", "operator"}, "other": {"steward", "operator"}}
# An observer (a funder) reads report counts and nothing else: no shelter's address, no edit.
WORKING_STAFF = EVERYONE_STAFF - {"observer"}


def pending_intake(membership: Membership) -> Membership:
    """The membership as it is once someone (not the asker) gave it the intake role."""
    return Membership(
        pk=membership.pk,
        user_id=membership.user_id,
        organization_id=membership.organization_id,
        role="intake",
        is_active=True,
        role_confirmed=False,
        role_granted_by_id=None,
    )


def both(people: set[str]) -> dict[str, set[str]]:
    return {"own": people, "other": people}


ALLOWED: dict[str, dict[str, set[str]]] = {
    "may_use_staff_area": both(EVERYONE_STAFF),
    "may_use_admin": both({"operator"}),
    "may_manage_members": MANAGERS,
    "may_invite(caseworker)": MANAGERS,
    "may_invite(org_admin)": MANAGERS,
    "may_invite(steward)": both({"operator"}),
    "may_invite(observer)": both({"operator"}),
    "may_change_role": MANAGERS,
    "may_deactivate_member": MANAGERS,
    "may_reactivate_member": MANAGERS,
    # Another member's work phone (the member's own: tests/accounts_tests/test_work_phone.py).
    "may_edit_work_phone": MANAGERS,
    "may_revoke_invitation": MANAGERS,
    "may_edit_organization": EDITORS,
    "may_edit_listing(service)": EDITORS,
    "may_edit_listing(phone of a location)": EDITORS,
    "may_import_listings": DIRECTORY_WIDE,
    "may_merge_duplicates": DIRECTORY_WIDE,
    "may_verify_partners": DIRECTORY_WIDE,
    # Both organisations are verified partners: their staff see each other's shelters.
    "may_view_confidential_locations": both(WORKING_STAFF),
    "may_view_confidential_location": both(WORKING_STAFF),
    "may_make_referrals": {"own": {"caseworker", "hotline"}, "other": set()},
    "may_receive_referrals": {"own": {"intake"}, "other": set()},
    "may_read_all_audit": DIRECTORY_WIDE,
    "may_read_audit": EDITORS,
    # A referral sent by / received by the organisation; operators and stewards act on none.
    "may_act_for_referring_side": {"own": {"caseworker", "hotline", "org_admin"}, "other": set()},
    "may_act_for_receiving_side": {"own": {"intake", "org_admin"}, "other": set()},
    "may_read_handoff": {"own": {"intake"}, "other": set()},
    # Hotline staff of the receiving organisation read its received referrals for a caller who
    # quotes the code; they make no move and open no contact details.
    "may_read_received_referral": {"own": {"hotline"}, "other": set()},
    "may_record_calls": {"own": {"caseworker", "hotline"}, "other": set()},
    # The referral received by "own" (its receivers see the needs, consent allowing); the one
    # received by "other" was sent by "own" (its referrers recorded them and keep seeing them).
    "may_see_needs": {
        "own": {"intake", "org_admin", "hotline"},
        "other": {"caseworker", "hotline", "org_admin"},
    },
    # A pending intake grant made by someone else: a manager confirms it.
    "may_confirm_role": MANAGERS,
    "may_verify_listing": EDITORS,
    "may_update_capacity": {
        "own": {"intake", "org_admin", "steward", "operator"},
        "other": {"steward", "operator"},
    },
    "may_suggest_edit": both(WORKING_STAFF),
    "may_moderate_suggestion": EDITORS,
    "may_redact_history": EDITORS,
    # Counts only: the whole directory's for stewards, observers and operators, their own
    # organisation's for its admins.
    "may_view_reports": both({"org_admin", "steward", "observer", "operator"}),
}

RULES = {
    "may_use_staff_area": lambda u, s: permissions.may_use_staff_area(u),
    "may_use_admin": lambda u, s: permissions.may_use_admin(u),
    "may_manage_members": lambda u, s: permissions.may_manage_members(u, s.organization),
    "may_invite(caseworker)": lambda u, s: permissions.may_invite(u, s.organization, "caseworker"),
    "may_invite(org_admin)": lambda u, s: permissions.may_invite(u, s.organization, "org_admin"),
    "may_invite(steward)": lambda u, s: permissions.may_invite(u, s.organization, "steward"),
    "may_invite(observer)": lambda u, s: permissions.may_invite(u, s.organization, "observer"),
    "may_change_role": lambda u, s: permissions.may_change_role(u, s.membership, "intake"),
    "may_deactivate_member": lambda u, s: permissions.may_deactivate_member(u, s.membership),
    "may_reactivate_member": lambda u, s: permissions.may_reactivate_member(u, s.membership),
    "may_revoke_invitation": lambda u, s: permissions.may_revoke_invitation(u, s.invitation),
    "may_edit_work_phone": lambda u, s: permissions.may_edit_work_phone(u, s.membership),
    "may_edit_organization": lambda u, s: permissions.may_edit_organization(u, s.organization),
    "may_edit_listing(service)": lambda u, s: permissions.may_edit_listing(u, s.service),
    "may_edit_listing(phone of a location)": lambda u, s: permissions.may_edit_listing(u, s.phone),
    "may_import_listings": lambda u, s: permissions.may_import_listings(u),
    "may_merge_duplicates": lambda u, s: permissions.may_merge_duplicates(u),
    "may_verify_partners": lambda u, s: permissions.may_verify_partners(u),
    "may_view_confidential_locations": lambda u, s: permissions.may_view_confidential_locations(u),
    "may_view_confidential_location": lambda u, s: permissions.may_view_confidential_location(
        u, s.location
    ),
    "may_make_referrals": lambda u, s: permissions.may_make_referrals(u, s.organization),
    "may_receive_referrals": lambda u, s: permissions.may_receive_referrals(u, s.organization),
    "may_read_all_audit": lambda u, s: permissions.may_read_all_audit(u),
    "may_read_audit": lambda u, s: permissions.may_read_audit(u, s.organization),
    "may_act_for_referring_side": lambda u, s: permissions.may_act_for_referring_side(
        u, s.referral_out
    ),
    "may_act_for_receiving_side": lambda u, s: permissions.may_act_for_receiving_side(
        u, s.referral_in
    ),
    "may_read_handoff": lambda u, s: permissions.may_read_handoff(u, s.referral_in),
    "may_read_received_referral": lambda u, s: permissions.may_read_received_referral(
        u, s.referral_in
    ),
    "may_record_calls": lambda u, s: permissions.may_record_calls(u, s.organization),
    "may_see_needs": lambda u, s: permissions.may_see_needs(u, s.referral_in),
    "may_confirm_role": lambda u, s: permissions.may_confirm_role(u, pending_intake(s.membership)),
    "may_verify_listing": lambda u, s: permissions.may_verify_listing(u, s.service),
    "may_update_capacity": lambda u, s: permissions.may_update_capacity(u, s.service),
    "may_suggest_edit": lambda u, s: permissions.may_suggest_edit(u, s.service),
    "may_moderate_suggestion": lambda u, s: permissions.may_moderate_suggestion(
        u, Suggestion(service=s.service, kind="closed", source="public")
    ),
    "may_redact_history": lambda u, s: permissions.may_redact_history(u, s.service),
    "may_view_reports": lambda u, s: permissions.may_view_reports(u),
}


def test_the_matrix_covers_every_rule_in_the_permissions_module():
    asked = {name.split("(")[0] for name in RULES}
    assert set(permissions.all_rules()) <= asked
    assert set(RULES) == set(ALLOWED)


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("person", PEOPLE)
def test_each_rule_answers_as_the_table_says(cast, person, side):
    user = verified(cast.users[person])
    answers = {rule: bool(check(user, cast.side(side))) for rule, check in RULES.items()}
    expected = {rule: person in ALLOWED[rule][side] for rule in RULES}
    assert answers == expected


@pytest.mark.parametrize("person", PEOPLE)
def test_without_a_verified_second_factor_every_rule_says_no(cast, person):
    user = cast.users[person]  # straight from the database: no second factor in this session
    for side in ("own", "other"):
        assert not any(check(user, cast.side(side)) for check in RULES.values())


def test_a_deactivated_account_or_membership_loses_every_right(cast):
    admin = cast.users["org_admin"]
    Membership.objects.filter(user=admin).update(is_active=False)
    assert not permissions.may_manage_members(verified(admin), cast.own.organization)
    operator = cast.users["operator"]
    operator.is_active = False
    assert not permissions.is_operator(verified(operator))


def test_referral_rules_require_a_verified_partner(cast):
    cast.own.organization.is_verified_partner = False
    cast.own.organization.save()
    assert not permissions.may_make_referrals(
        verified(cast.users["caseworker"]), cast.own.organization
    )
    assert not permissions.may_receive_referrals(
        verified(cast.users["intake"]), cast.own.organization
    )


# --- pages ------------------------------------------------------------------------------------


def _page_members(client, side):
    return client.get(reverse("accounts:members", args=[side.organization.pk])), None


def _page_invite(client, side):
    email = f"new-{side.organization.pk}@example.org"
    response = client.post(
        reverse("accounts:members", args=[side.organization.pk]),
        {"email": email, "role": "caseworker"},
    )
    return response, Invitation.objects.filter(email=email).exists()


def _page_change_role(client, side):
    url = reverse("accounts:member", args=[side.organization.pk, side.membership.pk])
    response = client.post(url, {"do": "role", "role": "intake"})
    return response, Membership.objects.get(pk=side.membership.pk).role == "intake"


def _page_deactivate(client, side):
    url = reverse("accounts:member", args=[side.organization.pk, side.membership.pk])
    response = client.post(url, {"do": "deactivate"})
    return response, not Membership.objects.get(pk=side.membership.pk).is_active


def _page_work_phone(client, side):
    url = reverse("accounts:member", args=[side.organization.pk, side.membership.pk])
    number = "+57 300 111 2233"
    data = {"do": "work_phone", "membership": side.membership.pk, "work_phone": number}
    response = client.post(url, data)
    return response, Membership.objects.get(pk=side.membership.pk).work_phone == "+573001112233"


def _page_withdraw(client, side):
    url = reverse("accounts:revoke_invitation", args=[side.organization.pk, side.invitation.pk])
    response = client.post(url, {"confirm": "1"})
    return response, Invitation.objects.get(pk=side.invitation.pk).revoked_at is not None


def _page_member(client, side):
    url = reverse("accounts:member", args=[side.organization.pk, side.membership.pk])
    return client.get(url), None


def _page_audit(client, side):
    url = reverse("audit:events") + f"?organization={side.organization.pk}"
    return client.get(url), None


PAGES = {
    "members list": (_page_members, 200, MANAGERS),
    "member page": (_page_member, 200, MANAGERS),
    "invite": (_page_invite, 302, MANAGERS),
    "change role": (_page_change_role, 302, MANAGERS),
    "deactivate": (_page_deactivate, 302, MANAGERS),
    "member's work phone": (_page_work_phone, 302, MANAGERS),
    "withdraw invitation": (_page_withdraw, 302, MANAGERS),
    "audit log": (_page_audit, 200, EDITORS),
}


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("person", PEOPLE)
def test_pages_allow_as_the_table_says_and_answer_404_otherwise(client, cast, person, page, side):
    action, success_status, allowed = PAGES[page]
    sign_in(client, cast.users[person])
    response, changed = action(client, cast.side(side))
    if person in allowed[side]:
        assert response.status_code == success_status
        assert changed in (None, True)
    else:
        assert response.status_code == 404
        assert changed in (None, False)


@pytest.mark.parametrize("person", PEOPLE)
def test_every_signed_in_person_reaches_the_dashboard(client, cast, person):
    sign_in(client, cast.users[person])
    assert client.get(reverse("accounts:dashboard")).status_code == 200


# --- API --------------------------------------------------------------------------------------


def _api_denied_status(person: str) -> int:
    # Someone with no organisation at all is refused the whole staff API; members asking for
    # another organisation's record get 404, as if it did not exist.
    return 403 if person == "outsider" else 404


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("person", PEOPLE)
def test_api_member_detail_and_changes_follow_the_table(client, cast, person, side):
    target = cast.side(side).membership
    sign_in(client, cast.users[person])
    url = reverse("staff_api:membership-detail", args=[target.pk])
    allowed = person in MANAGERS[side]

    detail = client.get(url)
    role = client.patch(url, json.dumps({"role": "intake"}), content_type="application/json")
    target.refresh_from_db()
    role_changed = target.role == "intake"
    off = client.patch(url, json.dumps({"is_active": False}), content_type="application/json")
    target.refresh_from_db()

    expected = 200 if allowed else _api_denied_status(person)
    assert (detail.status_code, role.status_code, off.status_code) == (expected,) * 3
    assert (role_changed, not target.is_active) == (allowed, allowed)


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("person", PEOPLE)
def test_api_member_lists_hold_only_managed_organisations(client, cast, person, side):
    organization = cast.side(side).organization
    sign_in(client, cast.users[person])
    response = client.get(reverse("staff_api:membership-list"), {"organization": organization.pk})
    listed = {row["id"] for row in response.json()} if response.status_code == 200 else set()
    if person in MANAGERS[side]:
        assert cast.side(side).membership.pk in listed
    else:
        assert listed == set()
        assert response.status_code in (200, 403)


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("person", PEOPLE)
def test_api_audit_events_follow_the_table(client, cast, person, side):
    organization = cast.side(side).organization
    event = audit.record(actor=None, organization=organization, action="accounts.matrix_probe")
    sign_in(client, cast.users[person])
    response = client.get(reverse("staff_api:audit-events"), {"organization": organization.pk})
    ids = (
        {row["id"] for row in response.json()["results"]} if response.status_code == 200 else set()
    )
    if person in EDITORS[side]:
        assert event.pk in ids
    else:
        assert event.pk not in ids
        assert response.status_code in (200, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_handoff_opens_only_after_acceptance_and_while_consent_stands(cast):
    intake = verified(cast.users["intake"])
    referral = cast.own.referral_in
    assert permissions.may_read_handoff(intake, referral)
    referral.status = "sent"
    assert not permissions.may_read_handoff(intake, referral)
    referral.status = "accepted"
    referral.consent.revoked_at = "2026-11-23T10:00:00Z"
    assert not permissions.may_read_handoff(intake, referral)
    referral.consent.revoked_at = None
    referral.consent.expires_at = timezone.now() - timedelta(seconds=1)
    assert not permissions.may_read_handoff(intake, referral)


# --- referrals received, found by code ----------------------------------------------------------

# A referral received by "own" (sent by the other organisation) and one received by "other"
# (sent by a third): who finds each by its code, and who opens its page. Hotline staff of the
# receiving organisation read its received referrals to help a caller; nobody else outside the
# two organisations learns that the code exists.
RECEIVED_READERS = {"own": {"intake", "org_admin", "hotline"}, "other": set()}


def _received_referral(cast, side_name: str):
    import uuid

    from referrals.actions import ConsentInput, ReferralInput, make_referral
    from services.models import Organization
    from tests.factories import OrganizationFactory, member

    side = cast.side(side_name)
    if side_name == "own":
        sender, author = cast.other.organization, cast.other.membership.user
    else:
        sender = OrganizationFactory(name="Organización C", is_verified_partner=True)
        author = member("caseworker-c", sender, "caseworker")
    assert isinstance(sender, Organization)
    return make_referral(
        actor=verified(author),
        organization=sender,
        details=ReferralInput(
            service=side.service,
            client_language="es",
            urgency="urgent",
            needs=(),
            idempotency_key=uuid.uuid4(),
        ),
        consent=ConsentInput(method="verbal", explained_language="es", shares_needs=True),
        handoff=None,
    )


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("person", PEOPLE)
def test_code_look_up_and_received_referrals_follow_the_table(client, cast, person, side):
    referral = _received_referral(cast, side)
    sign_in(client, cast.users[person])
    allowed = person in RECEIVED_READERS[side]
    spoken = referral.code.lower().replace("-", " ")
    found = client.post(reverse("desk:lookup"), {"code": spoken})
    detail = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    inbox = client.get(reverse("referrals:inbox"))
    if allowed:
        assert found.status_code == 302
        assert found["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
        assert detail.status_code == 200
        assert str(referral.pk) in inbox.content.decode()
    else:
        assert found.status_code == 404
        assert referral.code not in found.content.decode()
        assert detail.status_code == 404
        assert str(referral.pk) not in inbox.content.decode()


@pytest.mark.parametrize("move", ["accept", "decline"])
def test_hotline_staff_read_a_received_referral_and_make_no_move_on_it(client, cast, move):
    from referrals.models import Referral

    referral = _received_referral(cast, "own")
    sign_in(client, cast.users["hotline"])
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert 'name="move"' not in page
    response = client.post(
        reverse("referrals:move", kwargs={"pk": referral.pk}),
        {"move": move, "version": referral.version, "reason": "no_capacity"},
    )
    assert response.status_code in (403, 404)
    assert Referral.objects.get(pk=referral.pk).status == "sent"
