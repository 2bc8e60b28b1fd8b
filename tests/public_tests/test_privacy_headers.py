"""Every public page: no cookie, the strict headers, never cached by the browser."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(directory):
    return directory.public_urls()


def test_no_public_page_sets_a_cookie(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert not response.cookies, url
    assert not client.cookies


def test_every_public_page_forbids_third_parties_referrers_and_remote_positions(
    client, public_urls
):
    for url in public_urls:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "script-src 'self'" in csp, url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Permissions-Policy"].startswith("geolocation=(self)"), url


def test_public_pages_are_not_stored_by_the_browser(client, public_urls):
    for url in public_urls:
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control, url
        assert "private" in cache_control, url


def test_public_pages_refuse_posts_so_no_form_needs_a_csrf_cookie(client, public_urls):
    for url in public_urls:
        assert client.post(url, {"q": "albergue"}).status_code == 405, url


def test_no_public_page_carries_a_csrf_token(client, public_urls):
    for url in public_urls:
        assert b"csrfmiddlewaretoken" not in client.get(url).content, url
