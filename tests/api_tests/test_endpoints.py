"""Every endpoint answers with the HSDS page wrapper or object, for anyone, without a cookie."""

import pytest

from services import models as m

LISTS = [
    "/api/v1/services",
    "/api/v1/organizations",
    "/api/v1/service_at_locations",
    "/api/v1/taxonomies",
    "/api/v1/taxonomy_terms",
]
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"}  # fmt: skip


def test_the_root_describes_the_api(api, db):
    body = api.get("/api/v1/").json()

    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/schema/")


@pytest.mark.parametrize("url", LISTS)
def test_each_list_is_an_hsds_page(api, directory, url):
    response = api.get(url)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["page_number"] == 1 and body["first_page"] is True
    assert body["total_items"] == len(body["contents"]) > 0


def test_the_lists_hold_what_the_public_may_see(api, directory):
    services = {s["id"] for s in api.get("/api/v1/services").json()["contents"]}
    organizations = {o["id"] for o in api.get("/api/v1/organizations").json()["contents"]}
    sals = api.get("/api/v1/service_at_locations").json()["contents"]

    assert services == {str(directory.shelter.id), str(directory.legal.id),
                        str(directory.hotline.id)}  # fmt: skip
    assert str(directory.inactive.id) not in services
    assert organizations == {str(directory.shelter_org.id), str(directory.legal_org.id)}
    assert {s["service_id"] for s in sals} == services


@pytest.mark.parametrize(
    "kind",
    ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"],
)
def test_each_detail_answers_by_id(api, directory, kind):
    record = {
        "services": directory.legal,
        "organizations": directory.legal_org,
        "service_at_locations": directory.legal.service_at_locations.get(),
        "taxonomies": directory.taxonomy,
        "taxonomy_terms": directory.legal_term,
    }[kind]

    response = api.get(f"/api/v1/{kind}/{record.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == str(record.pk)


@pytest.mark.parametrize("kind", ["services", "organizations", "service_at_locations",
                                  "taxonomies", "taxonomy_terms"])  # fmt: skip
@pytest.mark.parametrize("pk", ["00000000-0000-4000-8000-000000000000", "not-a-uuid"])
def test_an_unknown_id_is_a_json_404(api, db, kind, pk):
    response = api.get(f"/api/v1/{kind}/{pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}


def test_an_unpublished_service_is_not_found(api, directory):
    assert api.get(f"/api/v1/services/{directory.inactive.pk}").status_code == 404
    sal = m.ServiceAtLocation.objects.create(service=directory.inactive, location=directory.office)
    assert api.get(f"/api/v1/service_at_locations/{sal.pk}").status_code == 404


def test_a_full_service_nests_everything(api, directory):
    body = api.get(f"/api/v1/services/{directory.shelter.pk}").json()

    assert body["organization"]["id"] == str(directory.shelter_org.id)
    assert body["program"]["name"] == "Casa segura"
    assert [sal["location_id"] for sal in body["service_at_locations"]] == [
        str(directory.safe_house.id)
    ]
    assert {lang["code"] for lang in body["languages"]} == {"es", "en"}
    assert body["cost_options"][0]["currency"] == "COP"
    assert body["required_documents"][0]["document"] == "Ninguno"
    assert body["service_areas"][0]["region_code"] == "CO-NSA-3685533"
    assert body["attributes"][0]["taxonomy_term"]["code"] == "t-emergency-shelter"
    assert body["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"] == "Enlace (test)"


def test_an_organization_lists_its_published_services(api, directory):
    body = api.get(f"/api/v1/organizations/{directory.legal_org.pk}").json()

    assert {s["id"] for s in body["services"]} == {str(directory.legal.id),
                                                    str(directory.hotline.id)}  # fmt: skip
    assert "phones" not in body["services"][0]  # one-to-one fields unless full_service
    full = api.get(f"/api/v1/organizations/{directory.legal_org.pk}?full_service=true").json()
    assert any(s.get("phones") for s in full["services"])
    assert {loc["id"] for loc in body["locations"]} == {str(directory.office.id),
                                                        str(directory.phone_line.id)}  # fmt: skip


def test_a_service_at_location_brings_its_location_and_service(api, directory):
    sal = directory.legal.service_at_locations.get()

    body = api.get(f"/api/v1/service_at_locations/{sal.pk}").json()

    assert body["location"]["addresses"][0]["address_1"] == "Avenida 0 #10-20"
    assert body["service"]["id"] == str(directory.legal.id)


def test_taxonomy_terms_carry_their_taxonomy(api, directory):
    body = api.get(f"/api/v1/taxonomy_terms/{directory.emergency_shelter.pk}").json()

    assert body["parent_id"] == str(directory.housing.id)
    assert body["taxonomy"] == "Enlace (test)"
    assert body["taxonomy_detail"]["id"] == str(directory.taxonomy.id)
    assert body["open_eligibility_code"] == "human_services:housing"


def test_no_response_sets_a_cookie(api, directory):
    urls = [*LISTS, f"/api/v1/services/{directory.legal.pk}", "/api/v1/", "/api/schema/"]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
    response = api.post("/api/v1/services/search", {}, content_type="application/json")
    assert response.status_code == 200 and not response.cookies
