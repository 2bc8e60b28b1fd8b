import pytest


@pytest.mark.django_db  # the home page reads the directory
def test_pages_forbid_third_parties_inline_code_and_referrers(client):
    response = client.get("/es/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("geolocation=(self)")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
