"""The HSDS parameters and our extensions filter as documented; a bad value is a 400 that names
the parameter, in the request's language."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from services import models as m
from services.search.index import refresh_services
from tests.hsds_tests.directory import CUCUTA


def ids(api, url, **params) -> set[str]:
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["contents"]}


def test_search_finds_by_text(api, directory):
    assert ids(api, "/api/v1/services", search="asesoría legal") == {str(directory.legal.id)}


def test_taxonomy_term_id_includes_children(api, directory):
    assert ids(api, "/api/v1/services", taxonomy_term_id=str(directory.housing.id)) == {
        str(directory.shelter.id)
    }
    both = f"{directory.legal_term.id},{directory.emergency_shelter.code}"
    assert ids(api, "/api/v1/services", taxonomy_term_id=both) == {
        str(directory.shelter.id),
        str(directory.legal.id),
    }


def test_taxonomy_id_and_organization_id(api, directory):
    by_taxonomy = ids(api, "/api/v1/services", taxonomy_id=str(directory.taxonomy.id))
    by_org = ids(api, "/api/v1/services", organization_id=str(directory.legal_org.id))

    assert by_taxonomy == {str(directory.shelter.id), str(directory.legal.id)}
    assert by_org == {str(directory.legal.id), str(directory.hotline.id)}


def test_modified_after(api, directory):
    old = timezone.now() - dt.timedelta(days=30)
    m.Service.objects.filter(pk=directory.hotline.pk).update(last_modified=old)
    since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()

    assert str(directory.hotline.id) not in ids(api, "/api/v1/services", modified_after=since)
    assert str(directory.legal.id) in ids(api, "/api/v1/services", modified_after=since)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"free": "true"}, {"shelter"}),
        ({"no_id": "true"}, {"shelter", "legal"}),
        ({"immigration_status_not_asked": "true"}, {"shelter"}),
        ({"open_24_7": "true"}, {"shelter", "hotline"}),
        ({"has_capacity": "true"}, {"shelter"}),
        ({"trafficking_specialised": "true"}, {"shelter"}),
        ({"population": "women"}, {"shelter"}),
        ({"language": "en"}, {"shelter", "hotline"}),
        ({"region": "CO-NSA"}, {"shelter", "legal"}),
        ({"lat": CUCUTA[0], "lon": CUCUTA[1], "radius_km": 5}, {"shelter", "legal"}),
        ({"place": "Cúcuta"}, {"shelter", "legal"}),
    ],
)
def test_our_extension_filters(api, directory, params, expected):
    names = {"shelter": directory.shelter, "legal": directory.legal, "hotline": directory.hotline}

    found = ids(api, "/api/v1/services", **params)

    assert {name for name, service in names.items() if str(service.id) in found} == expected
    assert found <= {str(s.id) for s in names.values()}


def test_distance_is_given_near_a_point(api, directory):
    body = api.get("/api/v1/services", {"lat": CUCUTA[0], "lon": CUCUTA[1], "radius_km": 5}).json()

    distances = {item["id"]: item.get("distance_km") for item in body["contents"]}
    assert distances[str(directory.legal.id)] == pytest.approx(0, abs=0.05)
    assert distances[str(directory.shelter.id)] > 0


def test_open_now_uses_the_hours(api, directory):
    body = api.get("/api/v1/services", {"open_now": "true"}).json()

    found = {item["id"] for item in body["contents"]}
    assert str(directory.shelter.id) in found  # open 24/7
    assert all(item["open_now"] is True for item in body["contents"])


def test_full_and_minimal(api, directory):
    full = api.get("/api/v1/services", {"full": "true"}).json()["contents"]
    minimal = api.get("/api/v1/services", {"minimal": "true"}).json()["contents"]

    assert all("service_at_locations" in item for item in full)
    assert all(set(item) == {"id", "last_modified"} for item in minimal)


def test_post_search_takes_the_same_parameters_in_a_body(api, directory):
    body = {"lat": CUCUTA[0], "lon": CUCUTA[1], "radius_km": 5, "free": True,
            "taxonomy_term_id": [str(directory.housing.id)], "lang": "en"}  # fmt: skip

    response = api.post("/api/v1/services/search", body, content_type="application/json")

    assert response.status_code == 200
    items = response.json()["contents"]
    assert [item["id"] for item in items] == [str(directory.shelter.id)]
    assert items[0]["name"] == "Emergency shelter"
    assert response["Cache-Control"] == "no-store"


def test_post_search_refuses_a_body_that_is_not_an_object(api, db):
    response = api.post("/api/v1/services/search", [1, 2], content_type="application/json")

    assert response.status_code == 400
    assert response.json()["parameter"] == "body"


def test_organization_and_taxonomy_lists_filter(api, directory):
    assert ids(api, "/api/v1/organizations", search="justicia") == {str(directory.legal_org.id)}
    assert ids(api, "/api/v1/taxonomies", search="enlace") == {str(directory.taxonomy.id)}
    assert ids(api, "/api/v1/taxonomy_terms", top_only="true") == {
        str(directory.housing.id),
        str(directory.legal_term.id),
    }
    assert ids(api, "/api/v1/taxonomy_terms", parent_id=str(directory.housing.id)) == {
        str(directory.emergency_shelter.id)
    }
    assert ids(api, "/api/v1/taxonomy_terms", search="shelter") == {
        str(directory.emergency_shelter.id)
    }
    other = m.Taxonomy.objects.create(name="Other", description="x")
    m.TaxonomyTerm.objects.create(taxonomy=other, code="o-1", name="Otro", name_es="Otro")
    assert len(ids(api, "/api/v1/taxonomy_terms", taxonomy_id=str(other.id))) == 1


def test_service_at_locations_filter_like_services(api, directory):
    found = api.get(
        "/api/v1/service_at_locations", {"organization_id": str(directory.legal_org.id)}
    )

    assert {item["service_id"] for item in found.json()["contents"]} == {
        str(directory.legal.id),
        str(directory.hotline.id),
    }


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/services", {"lat": "north"}, "lat"),
        ("/api/v1/services", {"lat": "7.9"}, "lon"),
        ("/api/v1/services", {"radius_km": "-3", "lat": 1, "lon": 1}, "radius_km"),
        ("/api/v1/services", {"free": "maybe"}, "free"),
        ("/api/v1/services", {"population": "aliens"}, "population"),
        ("/api/v1/services", {"region": "XX-NOPE"}, "region"),
        ("/api/v1/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/api/v1/services", {"taxonomy_id": "abc"}, "taxonomy_id"),
        ("/api/v1/services", {"organization_id": "abc"}, "organization_id"),
        ("/api/v1/services", {"language": "spanish"}, "language"),
        ("/api/v1/services", {"place": "Ninguna Parte Inexistente"}, "place"),
        ("/api/v1/services", {"full": "perhaps"}, "full"),
        ("/api/v1/services", {"format": "ndjson"}, "format"),
        ("/api/v1/services", {"lang": "de"}, "lang"),
        ("/api/v1/organizations", {"full_service": "x"}, "full_service"),
        ("/api/v1/taxonomy_terms", {"parent_id": "x"}, "parent_id"),
        ("/api/v1/taxonomy_terms", {"top_only": "x"}, "top_only"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(api, directory, url, params, parameter):
    response = api.get(url, params)

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"]


def test_the_400_speaks_the_request_language(api, db):
    params = {"format": "ndjson"}
    spanish = api.get("/api/v1/services", params, HTTP_ACCEPT_LANGUAGE="es").json()
    english = api.get("/api/v1/services", params, HTTP_ACCEPT_LANGUAGE="en").json()
    chosen = api.get("/api/v1/services", {**params, "lang": "en"}, HTTP_ACCEPT_LANGUAGE="es")

    assert spanish["detail"] == "Solo se ofrece json: recorra los resultados por páginas."
    assert english["detail"] == "Only json is available: page through the results."
    assert chosen.json()["detail"] == english["detail"]


@pytest.mark.parametrize("url", ["/api/v1/services", "/api/v1/organizations",
                                 "/api/v1/taxonomy_terms"])  # fmt: skip
def test_paging_edges(api, directory, url):
    total = api.get(url).json()["total_items"]

    one = api.get(url, {"per_page": 1}).json()
    last = api.get(url, {"per_page": 1, "page": total}).json()
    beyond = api.get(url, {"per_page": 1, "page": total + 1}).json()
    everything = api.get(url, {"per_page": 100}).json()

    assert (one["size"], one["total_pages"], one["last_page"]) == (1, total, total == 1)
    assert len(one["contents"]) == 1 and not one["empty"]
    assert last["last_page"] is True and len(last["contents"]) == 1
    assert beyond["empty"] is True and beyond["contents"] == [] and beyond["last_page"] is True
    pages = [api.get(url, {"per_page": 1, "page": n}).json()["contents"][0]["id"]
             for n in range(1, total + 1)]  # fmt: skip
    assert pages == [item["id"] for item in everything["contents"]]
    assert len(set(pages)) == total


@pytest.mark.parametrize("value", ["0", "101", "-1", "ten"])
def test_per_page_outside_1_to_100_is_refused(api, db, value):
    for url in ("/api/v1/services", "/api/v1/organizations", "/api/v1/taxonomies"):
        response = api.get(url, {"per_page": value})
        assert response.status_code == 400 and response.json()["parameter"] == "per_page"
    assert api.get("/api/v1/services", {"page": "0"}).json()["parameter"] == "page"


def test_a_listing_changed_by_hand_is_found_by_the_api_at_once(api, directory):
    m.Service.objects.filter(pk=directory.legal.pk).update(is_free=True)
    refresh_services([directory.legal.pk])

    assert str(directory.legal.id) in ids(api, "/api/v1/services", free="true")
    assert uuid.UUID(str(directory.legal.id))
