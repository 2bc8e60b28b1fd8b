"""A search sorts its matches whole when they are few (search.SORT_ALL_UPTO) and walks an index
in the page's order when they are many. Both paths must give the same pages: fresh before stale,
nearest first with ties broken by id, served-only listings after those near, names in the
visitor's language, every page of the listing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from services.search import SearchParams, search
from services.search import query as search_module
from tests.services_tests.conftest import town

CUCUTA = (7.89, -72.50)
OLD = dt.datetime.now(dt.UTC) - dt.timedelta(days=250)  # past the warning age, still public


@pytest.fixture
def directory(make_service: Any) -> None:
    colombia = town("Cúcuta", "CO").parent.parent
    for i, (lat, name) in enumerate(
        [(7.90, "Delta"), (7.91, "alfa"), (7.90, "Charlie"), (7.95, "Bravo"), (7.89, "Eco")]
    ):
        make_service(f"{name} {i}", name_en=f"{name[::-1]} {i}", at=(lat, -72.50), is_free=True)
        make_service(
            f"Viejo {name}", at=(lat, -72.50), is_free=True, last_verified_at=OLD, open_24_7=True
        )
    # Two listings at one point: their distance ties, so the id decides.
    make_service("Gemelo A", at=(7.92, -72.50), is_free=True)
    make_service("Gemelo B", at=(7.92, -72.50), is_free=True)
    make_service("Línea nacional", virtual=True, area=colombia, is_free=True)
    make_service("Línea vieja", virtual=True, area=colombia, is_free=True, last_verified_at=OLD)
    make_service("Lejos", at=(4.61, -74.08), is_free=True)


SEARCHES = [
    SearchParams(free=True),
    SearchParams(free=True, per_page=3, page=2),
    SearchParams(free=True, per_page=4, page=4),
    SearchParams(open_24_7=True),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, free=True, per_page=3, page=3),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, per_page=5, page=3),
    SearchParams(place="Cúcuta", text="viejo"),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=5, text="gemelo"),
]


def sort_all(monkeypatch: pytest.MonkeyPatch, upto: int) -> None:
    """How many matches a search sorts whole before it walks an index instead."""
    monkeypatch.setattr(search_module, "SORT_ALL_UPTO", upto)
    monkeypatch.setattr(search_module, "NEAR_SORT_ALL_UPTO", upto)


def pages(lang: str) -> list[tuple[int, bool, list[tuple[str, float | None]]]]:
    out = []
    for params in SEARCHES:
        result = search(params, lang=lang)
        out.append(
            (
                result.total,
                result.total_is_lower_bound,
                [(h.service.name_es, h.distance_km) for h in result.hits],
            )
        )
    return out


@pytest.mark.parametrize("lang", ["es", "en"])
def test_sorting_all_matches_and_walking_the_index_give_the_same_pages(
    directory: None, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    sort_all(monkeypatch, 10_000)
    sorted_whole = pages(lang)
    sort_all(monkeypatch, 0)
    walked = pages(lang)
    assert walked == sorted_whole
    assert all(page for _, _, page in sorted_whole)


def test_each_path_puts_fresh_first_then_near_then_served(
    directory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, per_page=100)
    for upto in (10_000, 0):
        sort_all(monkeypatch, upto)
        hits = search(params, lang="es").hits
        stale = [h.service.name_es.startswith(("Viejo", "Línea vieja")) for h in hits]
        served = [h.distance_km is None for h in hits]
        groups = list(zip(stale, served, strict=True))
        assert groups == sorted(groups), upto
        assert groups.count((False, True)) == groups.count((True, True)) == 1
        assert groups.count((False, False)) == 7 and groups.count((True, False)) == 5
        for group in ((False, False), (True, False)):
            near = [
                (h.distance_km, h.service.id)
                for h, g in zip(hits, groups, strict=True)
                if g == group
            ]
            assert near == sorted(near), upto
        assert "Lejos" not in [h.service.name_es for h in hits]


def test_ties_in_distance_are_ordered_by_id(
    directory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import translation

    from services.models import Service

    # modeltranslation reads `name` in the active language, which an earlier test's API request
    # may have left at another one: the twins were named in Spanish.
    with translation.override("es"):
        twins = sorted(Service.objects.filter(name__startswith="Gemelo"), key=lambda s: s.id)
    params = SearchParams(lat=7.92, lon=-72.50, radius_km=1)
    for upto in (10_000, 0):
        sort_all(monkeypatch, upto)
        hits = search(params, lang="es").hits
        assert [h.service.id for h in hits if h.distance_km is not None] == [t.id for t in twins]
        # One hit a page: the walk cuts between the twins and must still cut in id order.
        one_by_one = [
            search(replace(params, per_page=1, page=page), lang="es").hits[0].service.id
            for page in (1, 2)
        ]
        assert one_by_one == [t.id for t in twins]


def test_the_count_stays_a_lower_bound_on_both_paths(
    directory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    for upto in (10_000, 0):
        sort_all(monkeypatch, upto)
        result = search(SearchParams(free=True), lang="es")
        assert (result.total, result.total_is_lower_bound) == (4, True)
        near = search(SearchParams(lat=7.92, lon=-72.50, radius_km=1), lang="es")
        # The two twins within 1 km and the two national lines serving the place.
        assert (near.total, near.total_is_lower_bound) == (4, False)
