import pytest
from django.test import override_settings


def test_healthz_says_ok_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_says_ok_when_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readyz_says_not_ok_and_nothing_more_when_redis_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ok"


def test_health_endpoints_set_no_cookie_and_are_not_cached(client):
    response = client.get("/healthz")
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]
