"""The restore drill: `scripts/backup.py` (make backup / make restore) takes an encrypted dump,
it is restored into a scratch database, and the restored copy is checked: row counts as at the
backup, the audit chain intact up to the head it had then, handoffs shredded before the backup
unreadable, handoffs shredded after it unreadable once their keys are gone from the live store,
and nothing in the file readable without BACKUP_KEY."""

import base64
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from audit.anchor import read_anchors
from audit.chain import verify
from referrals.crypto import HandoffUnreadable, open_sealed
from referrals.models import Referral
from referrals.transitions import Side, transition
from tests.fault_tests.helpers import assert_consistent, new_referral
from tests.fault_tests.servers import ROOT
from tests.referrals_tests.conftest import CANARY


def url_for(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


def conninfo(name: str) -> str:
    db = connection.settings_dict
    return f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={name}"


def run_backup_script(*args: str, key: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/backup.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "BACKUP_KEY": key,
            "DATABASE_URL": url_for(connection.settings_dict["NAME"]),
        },
        capture_output=True,
        timeout=300,
    )


def table_counts(name: str) -> dict[str, int]:
    with psycopg.connect(conninfo(name), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def restored_handoff(name: str, referral_id: uuid.UUID) -> dict[str, str]:
    """Opens a handoff the way the application does, from the restored database's rows."""
    with psycopg.connect(conninfo(name), autocommit=True) as conn:
        ciphertext, wrapped = conn.execute(
            "SELECT h.ciphertext, k.wrapped_key FROM referrals_contacthandoff h "
            "LEFT JOIN referrals_handoffkey k ON k.id = h.key_id WHERE h.referral_id = %s",
            [referral_id],
        ).fetchone()
    return open_sealed(ciphertext, wrapped, associated_id=str(referral_id))


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield name
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(name: str) -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_restore_drill(
    tmp_path: Path, scratch_database, receiving_service, referring_org, caseworker
):
    key = base64.b64encode(os.urandom(32)).decode()
    parties = {
        "caseworker": caseworker,
        "referring_org": referring_org,
        "receiving_service": receiving_service,
    }
    shredded_before = new_referral(**parties)
    shredded_after = new_referral(**parties)
    still_open = new_referral(**parties)
    transition(shredded_before.pk, "withdraw", actor=caseworker, acting_side=Side.REFERRING)
    head = verify()
    at_backup = table_counts(connection.settings_dict["NAME"])

    made = run_backup_script("backup", "--out", str(tmp_path), key=key)
    assert made.returncode == 0, made.stderr.decode()
    # Each backup anchors the audit chain's head outside the database first.
    assert [(a.event_id, a.event_hash) for a in read_anchors()] == [(head.head_id, head.head_hash)]
    backup_file = Path(made.stdout.decode().strip())
    assert backup_file.parent == tmp_path and backup_file.stat().st_mode & 0o077 == 0
    raw = backup_file.read_bytes()
    assert b"PGDMP" not in raw  # pg_dump's custom-format magic: the file is not a plain dump
    for secret in [shredded_after.code, still_open.code, *CANARY.values()]:
        assert secret.encode() not in raw

    # After the backup: one more handoff is shredded (its data key deleted from the live store).
    transition(shredded_after.pk, "withdraw", actor=caseworker, acting_side=Side.REFERRING)
    assert_consistent()

    live = url_for(connection.settings_dict["NAME"])
    create(scratch_database)
    restored = run_backup_script(
        "restore", str(backup_file), "--target", url_for(scratch_database), "--keys-from", live,
        key=key,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr.decode()

    counts = table_counts(scratch_database)
    assert counts.pop("referrals_handoffkey") == 1  # only the still-open handoff's key
    assert at_backup.pop("referrals_handoffkey") == 2
    assert counts == at_backup

    check = subprocess.run(
        [sys.executable, "manage.py", "verify_audit", "--anchor", f"{head.head_id}:{head.head_hash}"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url_for(scratch_database)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"{head.count} events" in check.stdout

    assert restored_handoff(scratch_database, still_open.pk) == CANARY
    for gone in (shredded_before, shredded_after):
        with pytest.raises(HandoffUnreadable):
            restored_handoff(scratch_database, gone.pk)
    # The ciphertext of the handoff shredded after the backup is in the file, but no key opens
    # it any more, even with the master key.
    with psycopg.connect(conninfo(scratch_database), autocommit=True) as conn:
        (ciphertext,) = conn.execute(
            "SELECT ciphertext FROM referrals_contacthandoff WHERE referral_id = %s",
            [shredded_after.pk],
        ).fetchone()
    assert ciphertext is not None

    # Without a live key store (the whole server lost) every restored handoff stays sealed.
    create(scratch_database)
    restored = run_backup_script(
        "restore", str(backup_file), "--target", url_for(scratch_database), key=key
    )
    assert restored.returncode == 0, restored.stderr.decode()
    for referral in (shredded_before, shredded_after, still_open):
        with pytest.raises(HandoffUnreadable):
            restored_handoff(scratch_database, referral.pk)
    assert table_counts(scratch_database)["referrals_referral"] == Referral.objects.count()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_does_not_restore_with_another_key_or_when_altered(
    tmp_path: Path, scratch_database
):
    key = base64.b64encode(os.urandom(32)).decode()
    made = run_backup_script("backup", "--out", str(tmp_path), key=key)
    assert made.returncode == 0, made.stderr.decode()
    backup_file = Path(made.stdout.decode().strip())
    create(scratch_database)
    target = url_for(scratch_database)

    other_key = base64.b64encode(os.urandom(32)).decode()
    refused = run_backup_script("restore", str(backup_file), "--target", target, key=other_key)
    assert refused.returncode == 1
    assert b"does not decrypt" in refused.stderr

    altered = tmp_path / "altered.dump.enc"
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 1
    altered.write_bytes(bytes(data))
    assert run_backup_script("restore", str(altered), "--target", target, key=key).returncode == 1

    truncated = tmp_path / "truncated.dump.enc"
    truncated.write_bytes(backup_file.read_bytes()[:-100])
    assert run_backup_script("restore", str(truncated), "--target", target, key=key).returncode == 1
    # Nothing was written to the target by any refused restore.
    assert set(table_counts(scratch_database)) == {"spatial_ref_sys"}  # PostGIS's, from template1
    assert run_backup_script("backup", "--out", str(tmp_path), key="").returncode == 1
