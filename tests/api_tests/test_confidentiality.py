"""A confidential shelter's exact position, address, private line and people appear in no
response: only its name, area, the public grid-cell position and the intake line."""

import json

import pytest

from services import models as m
from services.confidential import public_point
from tests.hsds_tests.directory import INTAKE_PHONE, SECRET_PHONE, SECRET_STREET


def _urls(directory) -> list[str]:
    sal = directory.shelter.service_at_locations.get()
    return [
        "/api/v1/services",
        "/api/v1/services?full=true",
        "/api/v1/services?lat=7.8966&lon=-72.5047&radius_km=2",
        "/api/v1/services?place=Cúcuta&full=true",
        f"/api/v1/services/{directory.shelter.pk}",
        "/api/v1/service_at_locations",
        "/api/v1/service_at_locations?full=true",
        f"/api/v1/service_at_locations/{sal.pk}",
        "/api/v1/organizations?full=true&full_service=true",
        f"/api/v1/organizations/{directory.shelter_org.pk}?full_service=true",
    ]


SECRETS = (SECRET_STREET, SECRET_PHONE, "Coordinadora", "barrio Latino", "Bus 12", "Rampa",
           "casa@x.org", "540001", "+57 300 444 4444")  # fmt: skip


def test_no_response_carries_a_secret(api, directory):
    # The house's coordinator's own line, also listed on the service: hidden with her.
    coordinator = m.Contact.objects.get(location=directory.safe_house)
    m.Phone.objects.create(
        contact=coordinator, service=directory.shelter, number="+57 300 444 4444"
    )
    exact = directory.safe_house.point
    for url in _urls(directory):
        response = api.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text, (url, secret)
        assert f"{exact.y:.4f}" not in text and f"{exact.x:.4f}" not in text, url
    posted = api.post(
        "/api/v1/services/search",
        {"lat": 7.8966, "lon": -72.5047, "radius_km": 2, "full": True},
        content_type="application/json",
    ).content.decode()
    assert not any(secret in posted for secret in SECRETS)


def _locations(node):
    if isinstance(node, dict):
        if node.get("is_confidential") is True:
            yield node
        for value in node.values():
            yield from _locations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _locations(value)


# The URLs whose answers include locations (the plain service lists do not).
@pytest.mark.parametrize("index", [1, 3, 4, 5, 6, 7, 8, 9])
def test_the_shelter_shows_only_its_public_face(api, directory, index):
    url = _urls(directory)[index]
    cell = public_point(directory.safe_house.point)

    shown = list(_locations(json.loads(api.get(url).content)))

    assert shown, url
    for location in shown:
        assert set(location) <= {
            "id", "location_type", "organization_id", "name", "latitude", "longitude",
            "is_confidential", "region_code", "region_name", "time_zone", "phones",
            "text_language",
        }  # fmt: skip
        assert (location["latitude"], location["longitude"]) == (cell.y, cell.x)
        assert [p["number"] for p in location.get("phones", [])] in ([], [INTAKE_PHONE])
        assert location["region_code"] == "CO-NSA-3685533"


def test_the_distance_is_measured_from_the_public_cell(api, directory):
    cell = public_point(directory.safe_house.point)

    body = api.get("/api/v1/services", {"lat": cell.y, "lon": cell.x, "radius_km": 1}).json()

    shelter = next(i for i in body["contents"] if i["id"] == str(directory.shelter.id))
    assert shelter["distance_km"] == pytest.approx(0, abs=0.01)
