"""Fixtures shared by every suite. Parts add their named users and factories here as they land."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker consuming from the real Redis broker, in this process.

    Tasks that touch the database need the test to use `transactional_db`: the worker's thread
    has its own connection and must see committed rows.
    """
    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker
