"""No public page or API answer carries a confidential shelter's exact position or street, from
any origin (the other suites check their own serializers; this walks every public path the
directory exposes with one shelter in it)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.services_tests.conftest import town

EXACT = (7.884123, -72.497311)
SECRETS = ("7.884123", "-72.497311", "7.88412", "-72.49731", "Calle Secreta")


@pytest.fixture
def shelter(make_service):
    service = make_service(
        "Casa refugio confidencial",
        at=EXACT,
        confidential=True,
        region=town("Cúcuta", "CO"),
        terms=("trafficking-shelter",),
    )
    return service


def _bodies(client: Client, service) -> list[tuple[str, bytes]]:
    sal = service.service_at_locations.get()
    urls = [
        reverse("services:results") + "?place=Cúcuta",
        reverse("services:results") + f"?lat={EXACT[0]}&lon={EXACT[1]}&radius_km=5",
        reverse("services:results") + "?q=refugio",
        reverse("services:service", kwargs={"pk": service.pk}),
        reverse("services:region", kwargs={"code": "CO-NSA"}),
        "/api/v1/services",
        f"/api/v1/services?lat={EXACT[0]}&lon={EXACT[1]}&radius_km=5",
        f"/api/v1/services/{service.pk}",
        f"/api/v1/organizations/{service.organization_id}",
        "/api/v1/service_at_locations",
        f"/api/v1/service_at_locations/{sal.pk}",
    ]
    answers = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="application/json, text/html", follow=True)
        assert response.status_code in (200, 404), url
        answers.append((url, response.content))
    # The secure search takes its parameters in a JSON body (POST only).
    response = client.post(
        "/api/v1/services/search",
        {"lat": EXACT[0], "lon": EXACT[1], "radius_km": 5},
        content_type="application/json",
    )
    assert response.status_code == 200
    answers.append(("POST /api/v1/services/search", response.content))
    return answers


def test_no_public_path_shows_the_exact_position_or_street(shelter) -> None:
    # An address of its own, so that this test spends none of the API rate limit that other
    # suites' requests from 127.0.0.1 share within the same minute.
    client = Client(REMOTE_ADDR="203.0.113.77")
    answers = _bodies(client, shelter)
    assert any(b"Casa refugio confidencial" in body for _url, body in answers)
    for url, body in answers:
        for secret in SECRETS:
            assert secret.encode() not in body, (url, secret)
