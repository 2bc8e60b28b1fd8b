"""The database crashes and restarts in the middle of a referral transition (a decline, which
also shreds the handoff). The transition's transaction is lost whole: when the staff member's
retry goes through there is exactly one event, one notification, one audit event, the handoff
is shredded and its key gone, and the audit chain verifies.

The cluster is a private one (tests/fault_tests/servers.py PrivatePostgres); the shared one on
the project's port is never touched. The transition is held at a known point inside its
transaction, after the status, event, shred and outbox rows are written and before the audit
event, by holding the audit chain's advisory lock from another connection."""

import json
import os
import subprocess
import sys
import time

import pytest

from audit.chain import ADVISORY_LOCK_KEY
from tests.fault_tests.servers import ROOT, PrivatePostgres, wait_for


def run_step(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.fault_tests.db_scenario", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.sql("postgres", "CREATE DATABASE enlace")
        yield server
    finally:
        server.destroy()


@pytest.mark.slow
def test_a_database_crash_mid_transition_loses_the_whole_move_and_the_retry_makes_it_once(
    private_postgres, private_redis
):
    env = {
        **os.environ,
        "DATABASE_URL": private_postgres.url("enlace"),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": private_redis.url(0),
        "CELERY_BROKER_URL": private_redis.url(0),
        "CACHE_URL": private_redis.url(1),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    seeded = run_step(env, "seed")

    holder = subprocess.Popen(
        ["psql", "-h", "127.0.0.1", "-p", str(private_postgres.port), "-U", "postgres",
         "-d", "enlace", "-qAt", "-c", f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY}); "
         "SELECT pg_sleep(600)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    mover = None
    try:
        wait_for(
            lambda: (
                private_postgres.sql(
                    "enlace",
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted",
                )
                == "1"
            ),
            20,
            "the advisory lock to be held",
        )
        mover = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_tests.db_scenario", "move",
             seeded["referral"], "decline", str(seeded["intake"]), str(seeded["version"])],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_for(
            lambda: (
                private_postgres.sql(
                    "enlace",
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                )
                == "1"
            ),
            30,
            "the transition to wait for the audit lock",
        )
        # Written inside its transaction, not committed: the outside sees nothing yet.
        assert private_postgres.sql("enlace", "SELECT status FROM referrals_referral") == "sent"
        private_postgres.crash_and_restart()
        out, err = mover.communicate(timeout=90)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if mover is not None and mover.poll() is None:
            mover.kill()
    assert mover.returncode == 0, out + err
    moved = json.loads(out.strip().splitlines()[-1])
    assert moved["result"] == "done"
    assert moved["failures"], "the crash did not reach the transition"

    time.sleep(0.5)
    after = run_step(env, "check")  # runs assert_consistent() there, including verify()
    assert after["status"] == "declined"
    assert after["version"] == seeded["version"] + 1
    assert after["events"] == [["", "draft"], ["draft", "sent"], ["sent", "declined"]]
    assert after["outbox"] == ["declined", "new"]
    assert after["handoff_purged"] is True
    assert after["keys"] == 0
