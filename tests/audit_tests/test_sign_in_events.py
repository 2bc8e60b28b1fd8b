"""Sign-ins and their failures are audited; a name typed for no account is kept nowhere."""

from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from tests.accounts_tests.conftest import current_code, password_step, with_password
from tests.factories import second_factor


def _everything_stored() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM ("
            "SELECT * FROM audit_auditevent) t"
        )
        audit_rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM ("
            "SELECT * FROM axes_accessattempt) t"
        )
        return audit_rows + cursor.fetchone()[0]


def test_a_failure_for_a_name_with_no_account_keeps_no_trace_of_the_name(client, db):
    typed = "ana.lopez.personal@example.net"
    password_step(client, typed, "whatever-was-typed")
    event = AuditEvent.objects.get(action="accounts.signin_failed")
    assert event.actor_id is None
    stored = _everything_stored()
    assert typed not in stored and "ana.lopez" not in stored
    assert "whatever-was-typed" not in stored


def test_a_failure_for_an_account_names_the_account_by_id(client, alice):
    with_password(alice)
    password_step(client, "alice", "wrong-password")
    event = AuditEvent.objects.get(action="accounts.signin_failed")
    assert event.actor_id == alice.pk
    assert event.details == {"locked_out": False}


def test_a_full_sign_in_and_out_are_audited_step_by_step(client, alice):
    with_password(alice)
    device = second_factor(alice)
    password_step(client, "alice")
    client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    client.post(reverse("accounts:logout"))
    actions = list(
        AuditEvent.objects.filter(actor_id=alice.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["accounts.password_accepted", "accounts.signed_in", "accounts.signed_out"]


def test_a_lockout_is_audited_as_such(client, alice):
    with_password(alice)
    for _ in range(5):
        password_step(client, "alice", "wrong-password")
    assert AuditEvent.objects.filter(
        action="accounts.signin_failed", actor_id=alice.pk, details__locked_out=True
    ).exists()
