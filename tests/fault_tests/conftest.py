"""Fault-test fixtures. Every server a fault test stops or kills is its own (tests/fault_tests/
servers.py): the project's shared Redis and PostgreSQL keep serving everyone else."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
import pytest
from django.db import connection

from config.celery import app as celery_app
from tests.fault_tests.servers import PrivateRedis, SmtpSink, Worker

# The referral suite's organisations, service and staff, shared with the fault tests.
from tests.referrals_tests.conftest import (  # noqa: F401
    caseworker,
    intake,
    receiving_service,
    referring_org,
)


def _drop_broker_connections() -> None:
    """Celery keeps a pool of broker connections; after the broker URL changes the next publish
    must open a new one. kombu's registry of pools is global and keyed by URL: closing a pool
    without dropping it from the registry leaves a closed pool for the next user of that URL
    ("Acquire on closed pool"), so the registry is emptied with the pools."""
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path: Path, settings) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own; Celery's broker and the cache point at it while the
    test runs, so the test may stop, kill or restart it freely."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    previous_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = server.url(0)
    # A short visibility timeout, so a message a killed worker held comes back within the test.
    previous_transport = dict(celery_app.conf.broker_transport_options or {})
    celery_app.conf.broker_transport_options = {**previous_transport, "visibility_timeout": 5}
    _drop_broker_connections()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url(1)},
    }
    try:
        yield server
    finally:
        server.stop()
        celery_app.conf.broker_url = previous_broker
        celery_app.conf.broker_transport_options = previous_transport
        _drop_broker_connections()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def worker_env(private_redis: PrivateRedis, smtp_sink: SmtpSink, transactional_db) -> dict:
    """The environment of a real worker process: this test's database (pytest-django's test
    database, seen through committed transactions), the private Redis and the SMTP sink."""
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        "DATABASE_URL": f"postgis://{user}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": private_redis.url(0),
        "CELERY_BROKER_URL": private_redis.url(0),
        "CACHE_URL": private_redis.url(1),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "60",
        # Short enough for the test to wait out; production's is 300 s.
        "NOTIFICATION_LEASE_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def workers(worker_env: dict, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Starts worker processes on demand; every one still running is stopped at the end, before
    pytest-django flushes the database they are connected to."""
    started: list[Worker] = []

    def start(**overrides: str) -> Worker:
        env = {**worker_env, **overrides}
        worker = Worker(env=env, log=tmp_path / f"worker-{len(started)}.log").start()
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
