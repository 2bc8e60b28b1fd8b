"""Across the directory, stewards and operators cannot rebuild who referred whom from the audit
log: other organisations' referral events reach them only as counts per action and day. Each
organisation's admin keeps reading its own referral events in full."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

import audit
from audit.models import AuditEvent
from tests.factories import UserFactory, member, sign_in, verified


@pytest.fixture
def referral_events(alice, charlie, org_a, org_b):
    referral_id = uuid.uuid4()
    sent = audit.record(
        actor=alice,
        organization=org_a,
        action="referral.sent",
        details={"referral_id": str(referral_id), "to_organization": str(org_b.pk)},
    )
    viewed = audit.record(
        actor=charlie,
        organization=org_b,
        action="referral.handoff_viewed",
        details={"referral_id": str(referral_id)},
    )
    other = audit.record(actor=alice, organization=org_a, action="accounts.role_changed")
    return {"sent": sent, "viewed": viewed, "other": other, "referral_id": referral_id}


@pytest.fixture
def stella(org_b):
    return member("stella", org_b, "steward")


@pytest.fixture
def olga(db):
    return UserFactory(username="olga", is_superuser=True, is_staff=True)


def _ids(user) -> set[int]:
    return set(AuditEvent.objects.visible_to(verified(user)).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["stella", "olga"])
def test_stewards_and_operators_read_no_referral_event(request, who, referral_events):
    user = request.getfixturevalue(who)
    visible = _ids(user)
    assert referral_events["other"].pk in visible
    assert referral_events["sent"].pk not in visible
    assert referral_events["viewed"].pk not in visible


def test_each_admin_reads_their_own_organisations_referral_events(alice, charlie, referral_events):
    assert referral_events["sent"].pk in _ids(alice)
    assert referral_events["viewed"].pk not in _ids(alice)
    assert referral_events["viewed"].pk in _ids(charlie)


@pytest.mark.parametrize("who", ["stella", "olga"])
def test_the_audit_page_counts_referral_events_without_ids(client, request, who, referral_events):
    user = request.getfixturevalue(who)
    sign_in(client, user)
    page = client.get(reverse("audit:events")).content.decode()
    referral_id = str(referral_events["referral_id"])
    assert referral_id not in page and referral_id[:8] not in page
    assert "Organización A</td>" in page  # the non-referral event is shown in full
    day = referral_events["sent"].occurred_at.strftime("%Y-%m-%d")
    assert f"<tr><td>{day}</td>" in page
    # Filtering by organisation or by action does not bring them back.
    for query in ({"action": "referral.sent"}, {"action": "referral.handoff_viewed"}):
        filtered = client.get(reverse("audit:events"), query).content.decode()
        assert f"referral {referral_events['sent'].pk}" not in filtered
        assert referral_id not in filtered


def test_the_staff_api_gives_stewards_no_referral_event(stella, referral_events):
    api = APIClient()
    sign_in(api, stella)
    response = api.get("/api/staff/audit/")
    assert response.status_code == 200, response.status_code
    actions = {row["action"] for row in response.json()["results"]}
    assert "accounts.role_changed" in actions
    assert not {a for a in actions if a.startswith("referral.")}
