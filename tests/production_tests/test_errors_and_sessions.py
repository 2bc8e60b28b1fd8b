"""Production behaviour beyond headers: error pages that say nothing, cookies that only travel
over HTTPS to us and are out of reach of scripts, a sign-out that wipes the browser's copy, an
admin behind two factors, and Celery keeping no task results."""

import base64
import json

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from config.celery import app as celery_app
from referrals.tasks import deliver_pending_notifications
from tests.accounts_tests.conftest import password_step, with_password
from tests.factories import UserFactory, member, second_factor, sign_in
from tests.production_tests.conftest import ProductionClient
from tests.production_tests.test_security_headers import assert_security_headers

CANARY = "canary-Zafiro-9931"


@pytest.mark.django_db
def test_a_failing_view_answers_the_plain_500_page_with_nothing_from_the_request(
    production, settings
):
    settings.ROOT_URLCONF = "tests.production_tests.urls"
    browser = ProductionClient(raise_request_exception=False)
    response = browser.get(f"/fail/?token={CANARY}", HTTP_X_PROBE=CANARY, HTTP_COOKIE=f"c={CANARY}")
    assert response.status_code == 500
    body = response.content.decode()
    # Our static 500.html: translated, rendered with no context, so nothing of the request.
    assert "Algo salió mal" in body and len(body) < 800
    for leak in (CANARY, "Traceback", "RuntimeError", "a view failed", "fail/", "SECRET", "DEBUG"):
        assert leak not in body
    assert_security_headers(response, "500 /fail/")
    assert not response.cookies


@pytest.mark.django_db
def test_a_missing_page_lists_no_urls_and_echoes_nothing(browser):
    response = browser.get(f"/es/{CANARY}/?q={CANARY}")
    assert response.status_code == 404
    body = response.content.decode()
    assert CANARY not in body
    assert "URLconf" not in body and "urlpatterns" not in body.lower()
    assert "Página no encontrada" in body
    api = browser.get(f"/api/v1/{CANARY}")
    assert api.status_code == 404 and CANARY not in api.content.decode()


@pytest.mark.django_db
def test_a_refused_page_says_so_in_the_members_language_on_a_phone_sized_page(browser, alice):
    alice.is_staff = True
    alice.save()
    sign_in(browser, alice)
    response = browser.get(reverse("admin:accounts_membership_changelist"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "No permitido" in body and "administrador de tu organización" in body
    assert 'name="viewport"' in body and '<html lang="es">' in body
    assert "membership" not in body.lower() and "PermissionDenied" not in body


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_explains_itself_in_spanish_and_changes_nothing(
    production, org_a
):
    bob = with_password(member("bob", org_a, "caseworker"))
    sessions_before = bob.last_login
    browser = ProductionClient(enforce_csrf_checks=True)
    response = browser.post(
        reverse("accounts:login"), {"username": "bob", "password": "wrong"}, secure=True
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "No se pudo enviar el formulario" in body and "No se cambió nada" in body
    assert 'name="viewport"' in body
    # Django's own page explains the mechanism, in English, to a developer.
    for developer_text in ("CSRF", "Forbidden", "Referer", "cookie"):
        assert developer_text not in body
    bob.refresh_from_db()
    assert bob.last_login == sessions_before


@pytest.mark.django_db
def test_cookies_are_secure_http_only_and_same_site_strict_and_sign_out_clears_the_site(
    browser, org_a
):
    bob = with_password(member("bob", org_a, "caseworker"))
    second_factor(bob)
    page = browser.get(reverse("accounts:login"))
    assert page.status_code == 200
    signed_in = password_step(browser, "bob")
    assert signed_in.status_code == 302
    cookies = {**page.cookies, **signed_in.cookies}
    assert {"enlace_session", "csrftoken"} <= set(cookies)
    for name, morsel in cookies.items():
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Strict", name
        assert not morsel["expires"] and not morsel["max-age"], name  # ends with the browser

    signed_out = browser.post(reverse("accounts:logout"))
    assert signed_out.status_code == 200
    assert signed_out["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in signed_out["Cache-Control"]
    gone = signed_out.cookies["enlace_session"]
    assert gone.value == "" and gone["max-age"] == 0
    assert_security_headers(signed_out, "sign-out")


@pytest.mark.django_db
def test_the_admin_needs_both_factors_in_production(browser):
    operator = with_password(UserFactory(username="olga", is_superuser=True, is_staff=True))
    anonymous = browser.get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert anonymous.status_code == 200  # the staff sign-in page, the only way in

    second_factor(operator)
    assert password_step(browser, "olga").status_code == 302  # password only
    halfway = browser.get(reverse("admin:index"))
    assert halfway.status_code == 302
    assert halfway["Location"].startswith(reverse("accounts:two_factor"))
    for url in (reverse("admin:accounts_user_changelist"), "/es/admin/login/"):
        assert browser.get(url).status_code == 302

    both = sign_in(ProductionClient(), operator)
    assert both.get(reverse("admin:index")).status_code == 200


def test_celery_keeps_no_results_in_production(production_values):
    assert production_values["CELERY_RESULT_BACKEND"] is None
    assert production_values["CELERY_TASK_IGNORE_RESULT"] is True
    assert production_values["CELERY_ACCEPT_CONTENT"] == ["json"]
    assert production_values["CELERY_TASK_SERIALIZER"] == "json"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_leaves_nothing_in_redis_but_its_arguments_free_message_while_queued(
    private_redis, production
):
    deliver_pending_notifications.delay()
    queued = redis.Redis(port=private_redis.port).lrange("celery", 0, -1)
    assert len(queued) == 1
    envelope = json.loads(queued[0])
    args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
    assert (args, kwargs) == ([], {})
    assert envelope["headers"]["argsrepr"] == "()" and envelope["headers"]["kwargsrepr"] == "{}"

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        client = redis.Redis(port=private_redis.port)
        for _ in range(100):
            if not client.llen("celery") and not client.hlen("unacked"):
                break
            import time

            time.sleep(0.1)
    keys = {key.decode() for key in redis.Redis(port=private_redis.port).keys("*")}
    assert not {key for key in keys if key.startswith("celery-task-meta")}, keys
    assert client.llen("celery") == 0
