import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions
from config.celery import app


def test_celery_speaks_json_only_and_never_loses_a_task_to_a_dying_worker():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_ignore_result is True


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_end_to_end_through_redis_and_a_real_worker(celery_worker):
    now = timezone.now()
    Session.objects.create(
        session_key="expired", session_data="", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="current", session_data="", expire_date=now + timedelta(days=1)
    )

    result = purge_expired_sessions.delay()
    # Results are not stored (task_ignore_result), so wait on the database: the worker's effect.
    deadline = timezone.now() + timedelta(seconds=20)
    while Session.objects.filter(session_key="expired").exists() and timezone.now() < deadline:
        time.sleep(0.1)

    assert result.id
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
