"""HTTP behaviour of the public API: conditional GET, CORS for GET only, a clear 429."""

import datetime as dt

from django.core.cache import cache
from django.utils.http import http_date

from services import models as m


def test_an_etag_lets_a_client_revalidate(api, directory):
    url = f"/api/v1/services/{directory.legal.pk}"
    first = api.get(url)

    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_change_anywhere_in_the_listing_changes_etag_and_last_modified(api, directory):
    url = f"/api/v1/services/{directory.legal.pk}"
    first = api.get(url)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    m.Phone.objects.filter(service=directory.legal).update(number="+57 607 555 0299",
                                                           last_modified=later)  # fmt: skip

    second = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert second["Last-Modified"] == http_date(int(later.timestamp()))


def test_if_modified_since(api, directory):
    url = "/api/v1/taxonomies"
    first = api.get(url)

    unchanged = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    old = api.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert unchanged.status_code == 304
    assert old.status_code == 200


def test_the_etag_differs_by_language(api, directory):
    url = f"/api/v1/services/{directory.shelter.pk}"

    spanish = api.get(url, HTTP_ACCEPT_LANGUAGE="es")
    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=spanish["ETag"])

    assert english.status_code == 200 and english["ETag"] != spanish["ETag"]


def test_other_sites_may_read_the_api(api, directory):
    response = api.get("/api/v1/services", HTTP_ORIGIN="https://211.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_cors_preflight_allows_get_only(api, db):
    preflight = api.options(
        "/api/v1/services/search",
        HTTP_ORIGIN="https://211.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_cors_stays_off_outside_the_public_api(api, db):
    for url in ("/es/", "/api/schema/", "/healthz", "/api/v1/staff/referrals/"):
        response = api.get(url, HTTP_ORIGIN="https://211.example.org")
        assert "Access-Control-Allow-Origin" not in response, url


def test_a_search_by_post_is_never_cached(api, directory):
    response = api.post("/api/v1/services/search", {"search": "albergue"},
                        content_type="application/json")  # fmt: skip

    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_too_many_requests_get_a_clear_429(api, db, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    address = {"REMOTE_ADDR": "198.51.100.7"}

    answers = [api.get("/api/v1/taxonomies", **address) for _ in range(4)]
    other = api.get("/api/v1/taxonomies", REMOTE_ADDR="198.51.100.8")

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["retry_after"] == int(refused["Retry-After"])
    assert "Demasiadas solicitudes" in refused.json()["detail"]
    assert other.status_code == 200


def test_the_throttle_keeps_no_address(api, db, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()

    api.get("/api/v1/taxonomies", REMOTE_ADDR="198.51.100.9")

    keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    assert keys and not any("198.51.100.9" in key for key in keys)


def test_a_merged_id_redirects_to_the_survivor(api, directory):
    old = "12345678-1234-4234-8234-123456789abc"
    m.MergedRecord.objects.create(old_id=old, record_type="service", new_id=directory.legal.pk)

    response = api.get(f"/api/v1/services/{old}?lang=en")

    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/services/{directory.legal.pk}?lang=en"
    assert api.get(response["Location"]).status_code == 200


def test_the_secure_search_takes_no_get(api, db):
    # A GET would put a person's situation back into the URL.
    assert api.get("/api/v1/services/search", {"search": "albergue"}).status_code == 405
