"""With production settings, every kind of page carries the same security headers: a strict
CSP with no third party, HSTS, no framing, no referrer, a closed Permissions-Policy and
same-origin cross-origin policies. Public pages set no cookie; plain HTTP is sent to HTTPS."""

import re

import pytest
from django.urls import reverse

from tests.factories import ServiceFactory, UserFactory, member, sign_in
from tests.production_tests.conftest import HOST, ProductionClient


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'none'", "script-src 'self'"):  # fmt: skip
        assert directive in csp, (where, csp)
    assert not re.search(r"https?:|\*|unsafe-eval", csp), (where, csp)
    if "unsafe-inline" in csp:  # Swagger UI's inline styles, never scripts
        assert "script-src 'self';" in csp and "/api/docs/" in where, (where, csp)
    hsts = headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains; preload", hsts), (where, hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    permissions = headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "payment=()", "browsing-topics=()"):
        assert feature in permissions, (where, permissions)
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    # The public HSDS API is meant to be read by other sites (CORS, no credentials), so it alone
    # may be embedded cross-origin; nothing of the staff side is.
    public_api = re.search(r" /api/v1/(?!staff/)", where)
    corp = "cross-origin" if public_api and response.status_code == 200 else "same-origin"
    assert headers.get("Cross-Origin-Resource-Policy") == corp, where


@pytest.fixture
def service(db):
    return ServiceFactory(name="Albergue Norte", name_es="Albergue Norte")


@pytest.mark.django_db
def test_public_pages_carry_every_header_and_set_no_cookie(browser, service):
    pages = {
        "home": "/es/",
        "search results": reverse("services:results") + "?q=albergue",
        "service page": reverse("services:service", kwargs={"pk": service.pk}),
        "api list": "/api/v1/services",
        "api item": f"/api/v1/services/{service.pk}",
        "api docs": "/api/docs/",
        "api schema": "/api/schema/",
        "404": "/es/no-such-page/",
        "api 404": "/api/v1/no-such-thing",
        "health": "/healthz",
    }
    for kind, url in pages.items():
        response = browser.get(url, follow=True)
        expected = 404 if "404" in kind else 200
        assert response.status_code == expected, (kind, url, response.status_code)
        assert_security_headers(response, f"{kind} {url}")
        assert not response.cookies, (kind, dict(response.cookies))
        assert "Set-Cookie" not in response.headers, kind


@pytest.mark.django_db
def test_staff_pages_and_the_admin_carry_every_header_and_are_never_cached(browser, org_a):
    pages = {"staff sign-in": (reverse("accounts:login"), 200)}
    anonymous = {url: browser.get(url) for url, _status in pages.values()}
    alice = member("alice", org_a, "org_admin")
    sign_in(browser, alice)
    signed_in = {
        "dashboard": reverse("accounts:dashboard"),
        "members": reverse("accounts:members", kwargs={"organization_id": org_a.pk}),
        "referral inbox": reverse("referrals:inbox"),
        "referrals sent": reverse("referrals:sent"),
        "audit": reverse("audit:events"),
        "api tokens": reverse("accounts:api_tokens"),
        "staff api": "/api/v1/staff/referrals",
    }
    responses = dict(zip(pages, anonymous.values(), strict=True))
    responses.update({kind: browser.get(url) for kind, url in signed_in.items()})
    operator = ProductionClient()
    sign_in(operator, UserFactory(username="olga", is_superuser=True, is_staff=True))
    responses["admin"] = operator.get(reverse("admin:index"))
    responses["admin list"] = operator.get(reverse("admin:accounts_membership_changelist"))
    for kind, response in responses.items():
        assert response.status_code == 200, (kind, response.status_code)
        assert_security_headers(response, kind)
        cache_control = response.headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (kind, cache_control)


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_with_the_headers_on(production, db):
    response = ProductionClient(HTTP_X_FORWARDED_PROTO="http").get("/es/")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/es/"
    assert "Set-Cookie" not in response.headers
