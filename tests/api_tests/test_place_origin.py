"""The API's page says which place it understood (`origin`) and the other readings
(`alternatives`), as services/hsds/EXTENSIONS.md documents."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from services import models as m
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_the_page_carries_the_place_it_understood(api, directory):
    body = api.get("/api/v1/services", {"place": "cucuta"}).json()
    origin = body["origin"]
    assert origin["name"] == "Cúcuta, Norte de Santander"
    assert (origin["kind"], origin["country"], origin["region"]) == ("town", "CO", "CO-NSA")
    assert 7 < origin["latitude"] < 9 and -73 < origin["longitude"] < -72
    assert origin["match"] == "exact" and origin["code"] == directory.cucuta.code
    assert body["alternatives"] == []
    assert body["total_items"] >= 1


def test_the_private_search_carries_it_too_and_a_point_is_a_point(api, directory):
    body = api.post(
        "/api/v1/services/search", {"place": "Cúcuta"}, content_type="application/json"
    ).json()
    assert body["origin"]["kind"] == "town"
    point = api.get("/api/v1/services", {"lat": "7.893912", "lon": "-72.507812"}).json()
    # The searcher's own point, said back no finer than about a kilometre.
    assert point["origin"]["kind"] == "point"
    assert (point["origin"]["latitude"], point["origin"]["longitude"]) == (7.89, -72.51)


def test_a_search_without_a_place_has_no_origin(api, directory):
    body = api.get("/api/v1/services").json()
    assert "origin" not in body and "alternatives" not in body


def test_an_ambiguous_place_returns_the_other_readings(api, directory):
    costa_rica = RegionFactory(
        code="CR", level=m.Region.Level.COUNTRY, name="Costa Rica", name_es="Costa Rica",
        country_code="CR", centre=Point(-84.08, 9.93, srid=4326), search_names=["costa rica"],
    )  # fmt: skip
    RegionFactory(
        # Not a real town's code: the whole gazetteer may be loaded (get_or_create would
        # return San José, Costa Rica).
        code="CR-SJ-CUCUTA", level=m.Region.Level.MUNICIPALITY, parent=costa_rica,
        name="Cúcuta", name_es="Cúcuta", country_code="CR", population=900_000,
        centre=Point(-84.08, 9.93, srid=4326), search_names=["cucuta"],
    )  # fmt: skip
    body = api.get("/api/v1/services", {"place": "Cúcuta"}).json()
    assert body["origin"]["country"] == "CR"
    assert [a["code"] for a in body["alternatives"]] == [directory.cucuta.code]
    # The page's country decides, and the chosen reading comes back by its code.
    assert (
        api.get("/api/v1/services", {"place": "Cúcuta", "country": "CO"}).json()["origin"][
            "country"
        ]
        == "CO"
    )
    chosen = api.get("/api/v1/services", {"place": f"={directory.cucuta.code}"}).json()
    assert chosen["origin"]["code"] == directory.cucuta.code and chosen["alternatives"] == []


def test_a_place_we_cannot_place_is_a_clear_error(api, directory):
    response = api.get("/api/v1/services", {"place": "Xqzzyville"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "place" and body["alternatives"] == []
    unknown_country = api.get("/api/v1/services", {"place": "Cúcuta", "country": "ZZ"})
    assert unknown_country.status_code == 400 and unknown_country.json()["parameter"] == "country"
