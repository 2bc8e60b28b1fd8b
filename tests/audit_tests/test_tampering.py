"""`verify_audit` finds the first event changed, removed or inserted, even straight in SQL."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

import audit
from audit.chain import digest
from audit.models import AuditEvent
from tests.audit_tests.conftest import tampering

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = (
    "id, occurred_at, actor_id, organization_id, action, object_type, object_id, request_id, "
    "details, prev_hash, hash"
)


def chain(n: int = 4) -> list[AuditEvent]:
    return [audit.record(actor=None, action="accounts.probe", details={"n": i}) for i in range(n)]


def forge(**fields) -> dict:
    """An event made the way the application makes them: its hash is right."""
    row = {
        "actor_id": None,
        "organization_id": None,
        "action": "accounts.role_changed",
        "object_type": "",
        "object_id": "",
        "request_id": None,
        "details": {},
        **fields,
    }
    row["hash"] = digest(row)
    return row


def insert(cursor, row: dict) -> None:
    cursor.execute(
        f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES "  # noqa: S608 (fixed column list)
        "(%s, %s, %s, %s, %s, %s, %s, %s, '{}'::jsonb, %s, %s)",
        [
            row["id"],
            row["occurred_at"],
            row["actor_id"],
            row["organization_id"],
            row["action"],
            row["object_type"],
            row["object_id"],
            row["request_id"],
            row["prev_hash"],
            row["hash"],
        ],
    )


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_an_intact_log_verifies_and_names_its_head(db):
    events = chain()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact: 4 events" in out.getvalue()
    assert f"{events[-1].pk}:{events[-1].hash}" in out.getvalue()


def test_an_event_edited_in_sql_is_reported_as_changed(db):
    events = chain()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = 999 WHERE id = %s", [events[1].pk])
    assert f"event #{events[1].pk} was changed" in verify_fails()


def test_an_event_edited_and_rehashed_breaks_the_next_link(db):
    events = chain()
    row = AuditEvent.objects.values().get(pk=events[1].pk)
    row["actor_id"] = 999
    forged = digest(row)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_id = 999, hash = %s WHERE id = %s",
            [forged, events[1].pk],
        )
    message = verify_fails()
    assert f"event #{events[2].pk}" in message and f"#{events[1].pk}" in message


def test_an_event_deleted_in_sql_is_reported(db):
    events = chain()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    message = verify_fails()
    assert f"event #{events[2].pk} follows removed events" in message
    assert f"between #{events[0].pk} and it" in message


def test_the_first_event_deleted_is_reported(db):
    events = chain()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    assert f"event #{events[1].pk} follows removed events" in verify_fails()


def test_an_event_slipped_into_a_gap_is_reported_as_inserted(db):
    first = audit.record(actor=None, action="accounts.probe")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="accounts.probe")  # uses an id, then rolls back
        raise RuntimeError
    later = audit.record(actor=None, action="accounts.probe")
    gap = first.pk + 1
    assert gap < later.pk
    forged = forge(
        id=gap, occurred_at=first.occurred_at, prev_hash=first.hash, action="accounts.member_added"
    )
    with tampering() as cursor:
        insert(cursor, forged)
    assert f"event #{gap} was inserted out of order" in verify_fails()


def test_an_event_added_before_the_first_is_reported_as_inserted(db):
    events = chain()
    forged = forge(
        id=events[0].pk - 1000,
        occurred_at=events[0].occurred_at - timedelta(days=1),
        prev_hash="0" * 64,
    )
    with tampering() as cursor:
        insert(cursor, forged)
    assert f"event #{forged['id']} was inserted out of order" in verify_fails()


def test_a_backdated_event_appended_with_a_valid_hash_is_reported(db):
    events = chain()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
        (next_id,) = cursor.fetchone()
    forged = forge(
        id=next_id,
        occurred_at=events[-1].occurred_at - timedelta(hours=1),
        prev_hash=events[-1].hash,
    )
    with connection.cursor() as cursor:  # an INSERT needs no tampering: the table allows it
        insert(cursor, forged)
    assert f"event #{next_id} was inserted out of order" in verify_fails()


def test_events_cut_from_the_end_are_caught_by_the_anchor(db):
    events = chain()
    anchor = f"{events[-1].pk}:{events[-1].hash}"
    call_command("verify_audit", anchor=anchor, stdout=StringIO())
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    call_command("verify_audit", stdout=StringIO())  # without the anchor it cannot tell
    with pytest.raises(CommandError, match="anchor"):
        call_command("verify_audit", anchor=anchor)


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_on_a_tampered_log():
    events = chain(3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x.y' WHERE id = %s", [events[1].pk])
    settings_dict = connection.settings_dict
    url = (
        f"postgis://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"event #{events[1].pk} was changed" in result.stderr
