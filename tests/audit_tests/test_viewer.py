"""Who reads the audit log: an organisation's admin its own events, stewards and operators all
but other organisations' referral events (tests/audit_tests/test_referral_events_hidden.py)."""

import pytest
from django.urls import reverse

import audit
from audit.models import AuditEvent
from tests.factories import UserFactory, member, sign_in


@pytest.fixture
def events(alice, bob, charlie, org_a, org_b):
    return {
        "a": audit.record(actor=alice, organization=org_a, action="accounts.role_changed"),
        "b": audit.record(actor=charlie, organization=org_b, action="accounts.role_changed"),
        "bob_signed_in": audit.record(actor=bob, action="accounts.signed_in"),
        "charlie_signed_in": audit.record(actor=charlie, action="accounts.signed_in"),
        "import": audit.record(actor=None, action="services.import_finished"),
    }


def _ids(user) -> set[int]:
    from tests.factories import verified

    return set(AuditEvent.objects.visible_to(verified(user)).values_list("pk", flat=True))


def test_an_org_admin_reads_their_organisation_and_its_members_account_events(alice, events):
    assert _ids(alice) == {events["a"].pk, events["bob_signed_in"].pk}


def test_a_caseworker_reads_nothing(bob, events):
    assert _ids(bob) == set()


def test_a_steward_and_an_operator_read_everything(org_b, events):
    steward = member("stella", org_b, "steward")
    operator = UserFactory(username="olga", is_superuser=True, is_staff=True)
    everything = {e.pk for e in events.values()}
    assert _ids(steward) == everything
    assert _ids(operator) == everything


def test_the_audit_page_shows_alice_her_organisation_only(client, alice, org_b, events):
    sign_in(client, alice)
    page = client.get(reverse("audit:events")).content.decode()
    assert "Organización A" in page and "bob" in page
    assert "charlie" not in page and "Organización B</td>" not in page
    assert client.get(reverse("audit:events"), {"organization": org_b.pk}).status_code == 404
    assert client.get(reverse("audit:events"), {"organization": "not-a-uuid"}).status_code == 404


def test_the_audit_page_is_not_there_for_a_caseworker(client, bob, events):
    sign_in(client, bob)
    assert client.get(reverse("audit:events")).status_code == 404


def test_the_admin_shows_events_read_only(client, db, events):
    operator = UserFactory(username="olga", is_superuser=True, is_staff=True)
    sign_in(client, operator)
    listing = client.get("/es/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert client.get("/es/admin/audit/auditevent/add/").status_code == 403
    url = f"/es/admin/audit/auditevent/{events['a'].pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "accounts.forged"})
    assert AuditEvent.objects.get(pk=events["a"].pk).action == "accounts.role_changed"
    assert client.get(f"/es/admin/audit/auditevent/{events['a'].pk}/delete/").status_code == 403
