"""Impossible dates, dates beyond the calendar and NUL characters are a 400 naming the field, in
the visitor's language, on the API and on the search page; no public parameter can make a 500."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

IMPOSSIBLE_DATES = ["2024-13-45", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


@pytest.mark.parametrize("value", IMPOSSIBLE_DATES)
def test_an_impossible_date_is_a_400_naming_modified_after(api, db, value):
    response = api.get("/api/v1/services", {"modified_after": value}, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "modified_after"
    assert body["detail"].startswith("Cambiado desde: ")


@pytest.mark.parametrize("value", IMPOSSIBLE_DATES)
def test_an_impossible_date_on_the_search_page_is_a_400_in_spanish(db, value):
    response = Client().get("/es/buscar/", {"modified_after": value}, follow=True)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="modified_after-error"' in page
    assert "Cambiado desde: " in page


def test_nul_in_a_json_search_body_is_a_400_naming_the_field(api, db):
    body = {"search": "albergue", "filters": {"place": "Cúcuta\x00"}}
    response = api.post(
        "/api/v1/services/search",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert response.status_code == 400
    assert "filters.place" in response.json()["detail"]
    assert "no está permitido" in response.json()["detail"]


def test_nul_in_a_json_search_value_at_the_top_is_a_400(api, db):
    response = api.post(
        "/api/v1/services/search",
        json.dumps({"modified_after": "2024-01-01\x00"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "modified_after" in response.json()["detail"]


def test_nul_in_the_search_page_query_names_the_parameter(db):
    response = Client().get("/es/buscar/", {"place": "Cúcuta\x00"}, follow=True)
    assert response.status_code == 400
    assert "place" in response.content.decode()


PARAMETERS = [
    "search", "q", "lat", "lon", "radius_km", "place", "region", "taxonomy_term_id",
    "taxonomy_term", "taxonomy_id", "organization_id", "modified_after", "language",
    "population", "free", "no_id", "immigration_status_not_asked", "open_now", "open_24_7",
    "accessible", "has_capacity", "trafficking_specialised", "verified_within_days", "page",
    "per_page", "full", "format", "lang", "full_service", "parent_id", "top_only",
]  # fmt: skip
GET_URLS = [
    "/api/v1/services",
    "/api/v1/service_at_locations",
    "/api/v1/organizations",
    "/api/v1/taxonomies",
    "/api/v1/taxonomy_terms",
    "/es/buscar/",
    "/en/search/",
]
# Dates near the calendar's ends, numbers at and past every range, and any text at all.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(IMPOSSIBLE_DATES + ["-1", "0", "1e309", "nan", "-inf", "99999999999999999999"]),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.integers().map(str),
    st.floats().map(str),
)
QUERIES = st.dictionaries(st.sampled_from(PARAMETERS), VALUES, max_size=4)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("url", GET_URLS)
def test_no_public_parameter_makes_a_server_error(db, url):
    client = Client()

    @HYPOTHESIS
    @given(query=QUERIES)
    def probe(query):
        response = client.get(url, query, follow=True)
        assert response.status_code < 500, (query, response.status_code)

    probe()


def test_no_search_body_makes_a_server_error(db):
    client = Client()

    @HYPOTHESIS
    @given(body=st.dictionaries(st.sampled_from(PARAMETERS), VALUES | st.lists(VALUES), max_size=4))
    def probe(body):
        response = client.post(
            "/api/v1/services/search", json.dumps(body), content_type="application/json"
        )
        assert response.status_code < 500, (body, response.status_code)

    probe()
