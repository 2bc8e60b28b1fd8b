"""The OpenAPI description and its documentation page, served from here only."""

import re


def test_the_schema_describes_the_public_api(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for expected in ("/api/v1/services", "/api/v1/services/{id}", "/api/v1/services/search",
                     "/api/v1/organizations", "/api/v1/service_at_locations",
                     "/api/v1/taxonomies", "/api/v1/taxonomy_terms/{id}"):  # fmt: skip
        assert expected in paths
    assert all(path.startswith("/api/v1/") for path in paths)
    names = {p["name"] for p in schema["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert {"search", "page", "per_page", "lat", "lon", "radius_km", "open_now", "lang"} <= names


def test_the_docs_page_loads_nothing_from_elsewhere(api, db):
    page = api.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "<script>" not in html.replace(" ", "")  # no inline script: it runs under our CSP
    script = api.get("/api/docs/?script=")
    assert script.status_code == 200 and b"validatorUrl" in script.content
    assert (
        "'unsafe-inline'"
        not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_an_id_that_spells_the_search_route_is_a_documented_405(api, db):
    # /services/search is a route of its own (POST only), so GET /services/{id} with the id
    # "search" is refused by it; an id under any other list spells no route.
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]

    refused = paths["/api/v1/services/{id}"]["get"]["responses"]["405"]
    assert "`search`" in refused["description"]
    assert "Allow" in refused["headers"]
    assert refused["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    others = [
        (route, method)
        for route, item in paths.items()
        for method, operation in item.items()
        if "405" in operation["responses"]
    ]
    assert others == [("/api/v1/services/{id}", "get")]

    response = api.get("/api/v1/services/search")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert set(response.json()) == {"detail"}


def test_a_merged_ids_permanent_redirect_is_documented(api, db):
    # A merged record's old id answers 301 to the record it became; a client (and schemathesis)
    # reading the schema must expect it.
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for route in ("/api/v1/services/{id}", "/api/v1/organizations/{id}"):
        moved = schema["paths"][route]["get"]["responses"]["301"]
        assert "merged" in moved["description"] and "Location" in moved["description"]
