"""The chain is keyed: someone with the database's superuser but not AUDIT_CHAIN_KEY cannot cut
an event and re-hash the rest, and the anchors outside the database pin the head."""

import hashlib
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import audit
from audit.anchor import anchor_path, read_anchors, write_anchor
from audit.chain import canonical, digest, verify
from audit.models import AuditEvent

KEY = "k1:" + "Zq8Lx2Mv6Nb4Pc9Rd3Sf7Tg1Uh5Vj0Wk" * 2
NEW_KEY = "k2:" + "Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk" * 2
WRONG_KEY = "k1:" + "guessed-guessed-guessed-guessed-x" * 2


@pytest.fixture(autouse=True)
def chain_key(settings):
    settings.AUDIT_CHAIN_KEY = KEY


def events(n: int = 5) -> list[AuditEvent]:
    """n events; the third, when there is one, a handoff being read (the one worth hiding)."""
    return [
        audit.record(actor=None, action="referral.handoff_viewed" if i == 2 else "accounts.probe")
        for i in range(n)
    ]


def rows() -> list[dict]:
    return list(AuditEvent.objects.order_by("id").values())


def rewrite(changed: list[dict]) -> None:
    """What a superuser does: replica mode switches every trigger off for the session."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for row in changed:
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [row["prev_hash"], row["hash"], row["key_id"], row["id"]],
            )
        cursor.execute("SET LOCAL session_replication_role = origin")


def delete(event_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
        cursor.execute("SET LOCAL session_replication_role = origin")


def rechain(from_id: int, hasher) -> None:
    """Re-link every event from `from_id` on to the one now before it, re-hashed by `hasher`."""
    chain = rows()
    changed = []
    previous_hash = "0" * 64
    for row in chain:
        if row["id"] >= from_id:
            row["prev_hash"] = previous_hash
            row["key_id"], row["hash"] = hasher(row)
            changed.append(row)
        previous_hash = row["hash"]
    rewrite(changed)


def public_digest(row: dict) -> tuple[str, str]:
    row = {**row, "key_id": ""}
    return "", hashlib.sha256(canonical(row)).hexdigest()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=StringIO())
    return str(failure.value)


def test_each_event_is_an_hmac_under_the_chain_key(db):
    event = audit.record(actor=None, action="accounts.probe")
    assert event.key_id == "k1"
    row = AuditEvent.objects.values().get(pk=event.pk)
    assert digest(row) == event.hash
    assert hashlib.sha256(canonical(row)).hexdigest() != event.hash
    assert digest(row, {"k1": WRONG_KEY.split(":", 1)[1].encode()}) != event.hash


def test_a_viewed_handoff_deleted_and_the_rest_rehashed_is_found(db):
    made = events()
    viewed = made[2]
    delete(viewed.pk)
    rechain(viewed.pk + 1, public_digest)

    message = verify_fails()
    assert f"event #{made[3].pk} was re-hashed without the chain key" in message


def test_a_chain_rehashed_from_the_start_is_found_by_the_anchor(db):
    made = events()
    write_anchor()
    delete(made[2].pk)
    rechain(made[0].pk, public_digest)

    message = verify_fails()
    assert "anchor" in message and f"#{made[-1].pk}" in message


def test_a_chain_rehashed_under_a_guessed_key_is_found(db, settings):
    made = events()
    delete(made[2].pk)
    guessed = {"k1": WRONG_KEY.split(":", 1)[1].encode()}
    rechain(made[3].pk, lambda row: ("k1", digest({**row, "key_id": "k1"}, guessed)))

    assert f"event #{made[3].pk} was changed" in verify_fails()


def test_events_cut_from_the_end_are_found_by_the_anchor_file(db):
    made = events()
    write_anchor()
    delete(made[-1].pk)

    message = verify_fails()
    assert f"event #{made[-1].pk} (anchored in anchors.log line 1) was removed" in message


def test_the_anchor_file_gets_one_line_per_anchor_and_verify_reads_them_all(db):
    events(2)
    first = write_anchor()
    audit.record(actor=None, action="accounts.probe")
    second = write_anchor()
    lines = anchor_path().read_text().splitlines()
    assert len(lines) == 2
    assert [a.event_id for a in read_anchors()] == [first.event_id, second.event_id]
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "2 anchors checked" in out.getvalue()


def test_a_forged_anchor_line_is_refused(db):
    made = events(2)
    anchor_path().parent.mkdir(parents=True, exist_ok=True)
    with anchor_path().open("a") as handle:
        handle.write(f"2026-01-01T00:00:00Z {made[-1].pk} {'0' * 64} k1 {'f' * 64}\n")
    assert "anchors.log line 1 is not an anchor written with the key" in verify_fails()


def test_the_key_rotates_and_old_events_still_verify(db, settings):
    old = audit.record(actor=None, action="accounts.probe")
    settings.AUDIT_CHAIN_KEY = f"{NEW_KEY},{KEY}"
    new = audit.record(actor=None, action="accounts.probe")
    assert (old.key_id, new.key_id) == ("k1", "k2")
    assert verify().ok
    settings.AUDIT_CHAIN_KEY = NEW_KEY  # the old key dropped too early
    report = verify()
    assert report.problem.kind == "key" and report.problem.event_id == old.pk


def test_an_unkeyed_chain_from_before_the_key_verifies_and_continues_keyed(db, settings):
    settings.AUDIT_CHAIN_KEY = ""
    before = [audit.record(actor=None, action="accounts.probe") for _ in range(2)]
    assert {e.key_id for e in before} == {""}
    settings.AUDIT_CHAIN_KEY = KEY
    after = audit.record(actor=None, action="accounts.probe")
    assert after.key_id == "k1" and after.prev_hash == before[-1].hash
    assert verify().ok


def test_make_backups_anchor_command_and_the_hourly_task_are_configured(db, settings):
    from config.settings import CELERY_BEAT_SCHEDULE

    entry = CELERY_BEAT_SCHEDULE["anchor-audit-head"]
    assert entry["task"] == "audit.tasks.anchor_audit_head" and entry["schedule"] == 3600.0
    made = events(2)
    out = StringIO()
    call_command("anchor_audit", stdout=out)
    assert f"#{made[-1].pk}" in out.getvalue()
    assert read_anchors()[-1].event_hash == made[-1].hash


@pytest.mark.django_db(transaction=True)
def test_the_hourly_task_anchors_the_head_from_a_real_worker(celery_worker):
    from audit.tasks import anchor_audit_head

    event = audit.record(actor=None, action="accounts.probe")
    anchor_audit_head.delay()
    deadline = time.monotonic() + 60
    while not anchor_path().exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [a.event_id for a in read_anchors()] == [event.pk]
