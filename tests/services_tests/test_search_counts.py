"""Searches count their matches only up to search.COUNT_LIMIT and then say "more than" (an exact
count of a broad search in a big directory reads every matching row); a plain
listing, which HSDS consumers page through to its end, keeps its exact total."""

import pytest

from services.search import SearchParams, search
from services.search import query as search_module

BOGOTA = (4.61, -74.08)


@pytest.fixture
def five_shelters(make_service, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 3)
    make_service("Clínica Sur", at=BOGOTA, terms=("medical-care",))
    return [
        make_service(f"Albergue {i}", at=BOGOTA, terms=("emergency-shelter",), is_free=True)
        for i in range(5)
    ]


def test_a_broad_search_says_more_than_its_limit(five_shelters) -> None:
    for params in (
        SearchParams(text="albergue"),
        SearchParams(free=True),
        SearchParams(lat=BOGOTA[0], lon=BOGOTA[1], radius_km=20),
        SearchParams(taxonomy_term=("emergency-shelter",), text="albergue", free=True),
    ):
        result = search(params, lang="es")
        assert (result.total, result.total_is_lower_bound) == (3, True), params
        assert len(result.hits) > 3, params


def test_a_search_within_the_limit_is_counted_exactly(five_shelters) -> None:
    result = search(SearchParams(text="clínica"), lang="es")
    assert (result.total, result.total_is_lower_bound) == (1, False)


def test_a_plain_listing_keeps_its_exact_total(five_shelters) -> None:
    result = search(SearchParams(per_page=2, page=2), lang="es")
    assert (result.total, result.total_is_lower_bound, result.total_pages) == (6, False, 3)


def test_the_results_page_says_more_than(client, five_shelters) -> None:
    html = client.get("/es/buscar/", {"q": "albergue"}, follow=True).content.decode()
    assert "Más de 3 servicios" in html
