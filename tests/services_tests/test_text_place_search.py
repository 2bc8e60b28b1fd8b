"""Text near a place: the count reads the wide service table (its text and point indexes can be
ANDed) and the walk tests the text per candidate of the narrow table. Whatever the plan, a search must answer what the plain query answers: the matches within
the radius, fresh before stale, nearest first with ties broken by id, then the listings that
only serve the place; the count up to COUNT_LIMIT, then "more than"; every page, both languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from services.querysets import fresh_since, warn_since
from services.search import SearchParams, search
from services.search import query as search_module
from services.search.places import region_at
from tests.services_tests.conftest import town

CUCUTA = (7.89, -72.50)
OLD = dt.datetime.now(dt.UTC) - dt.timedelta(days=250)  # past the warning age, still public
GONE = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)  # out of public search


@pytest.fixture
def directory(make_service: Any) -> None:
    colombia = town("Cúcuta", "CO").parent.parent
    food = "Comida caliente y despensa"
    for i, lat in enumerate((7.90, 7.91, 7.95, 7.89, 7.93)):
        make_service(f"Comedor {i}", name_en=f"Kitchen {i}", description_es=food, at=(lat, -72.50))
        make_service(
            f"Comedor viejo {i}", description_es=food, at=(lat, -72.50), last_verified_at=OLD
        )
        make_service(f"Albergue {i}", description_es="Camas de noche", at=(lat, -72.50))
    # Ties: three kitchens at one point, one of them for women and free of charge.
    make_service("Olla A", description_es=food, at=(7.92, -72.50))
    make_service("Olla B", description_es=food, at=(7.92, -72.50), populations=["women"])
    make_service("Olla C", description_es=food, at=(7.92, -72.50), is_free=True)
    make_service("Olla vieja", description_es=food, at=(7.92, -72.50), last_verified_at=OLD)
    make_service("Comedor cerrado", description_es=food, at=(7.91, -72.50), last_verified_at=GONE)
    make_service("Comida lejos", description_es=food, at=(4.61, -74.08))
    # Served only: a national line with no point, fresh and stale.
    make_service("Comida a domicilio", description_es=food, virtual=True, area=colombia)
    make_service(
        "Comida a domicilio vieja",
        description_es=food,
        virtual=True,
        area=colombia,
        last_verified_at=OLD,
    )


def plain_answer(params: SearchParams) -> list[tuple[str, float | None]]:
    """Every match of a text within a radius (and of the place's served listings), in page
    order, from one plain query on the service table: no index walk, no bounded count."""
    now = timezone.now()
    origin = Point(params.lon, params.lat, srid=4326)
    region = region_at(origin)
    chain = [r.id for r in region.ancestors_and_self()] if region else []
    extra = ""
    if params.population:
        extra += " AND s.populations @> ARRAY[%(population)s]::varchar[]"
    if params.free:
        extra += " AND s.is_free"
    near = "coalesce(ST_DWithin(s.search_points, %(origin)s::geography, %(radius_m)s), false)"
    sql = f"""
        SELECT s.id, CASE WHEN {near} THEN s.search_points <-> %(origin)s::geography
                          ELSE ST_Distance(s.search_points, %(origin)s::geography) END AS d,
               coalesce(s.last_verified_at, s.created_at) < %(warn)s AS stale,
               CASE WHEN {near} THEN 0 ELSE 1 END AS grp
        FROM services_service s
        WHERE s.status = 'active' AND coalesce(s.last_verified_at, s.created_at) >= %(fresh)s
          AND s.search_vector @@ {search_module.TSQUERY}
          AND ({near} OR s.area_region_ids && %(chain)s::bigint[]){extra}
        ORDER BY stale, grp, d NULLS LAST, s.id
    """  # noqa: S608 — constant fragments; values are parameters
    args = {
        "origin": origin.ewkt,
        "radius_m": 1000.0 * (params.radius_km or 0),
        "warn": warn_since(now),
        "fresh": fresh_since(now),
        "q": params.text,
        "chain": chain,
        "population": params.population,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    return [(str(r[0]), None if r[1] is None else round(r[1] / 1000.0, 3)) for r in rows]


def answer(params: SearchParams, lang: str) -> tuple[int, bool, list[tuple[str, float | None]]]:
    result = search(params, lang=lang)
    return (
        result.total,
        result.total_is_lower_bound,
        [
            (str(h.service.id), None if h.distance_km is None else round(h.distance_km, 3))
            for h in result.hits
        ],
    )


SEARCHES = [
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, text="comida"),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, text="comida", population="women"),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, text="comida", free=True),
    SearchParams(lat=7.92, lon=-72.50, radius_km=1, text="comida"),
    SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=20, text="camas"),
]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("sort_all_upto", [10_000, 0])
@pytest.mark.parametrize("probe", [5000, 0])
def test_text_near_a_place_pages_through_the_plain_answer(
    directory: None, monkeypatch: pytest.MonkeyPatch, lang: str, sort_all_upto: int, probe: int
) -> None:
    # 0: every search takes the distance-ordered walk; 10,000: pages are sorted from the count.
    monkeypatch.setattr(search_module, "NEAR_SORT_ALL_UPTO", sort_all_upto)
    # 5000: the radius is small, its candidates are tested one by one; 0: the wide table counts.
    monkeypatch.setattr(search_module, "TEXT_NEAR_PROBE", probe)
    for params in SEARCHES:
        expected = plain_answer(params)
        assert expected, params
        for per_page in (3, 100):
            pages = -(-len(expected) // per_page)
            got = []
            for page in range(1, pages + 2):
                total, more, hits = answer(replace(params, page=page, per_page=per_page), lang)
                assert (total, more) == (len(expected), False), params
                got.extend(hits)
            assert got == expected, (params, per_page)


def test_the_ties_stale_and_served_listings_are_in_the_plain_answer(directory: None) -> None:
    names = dict(
        search_module._fetch("SELECT id::text, name_es FROM services_service", {})  # noqa: SLF001
    )
    order = [names[i] for i, _ in plain_answer(SEARCHES[0])]
    assert order[:3] == ["Comedor 3", "Comedor 0", "Comedor 1"]
    assert [n for n in order if n.startswith("Olla")] == sorted(
        (n for n in order if n.startswith("Olla")), key=lambda n: n == "Olla vieja"
    )
    # Fresh near, fresh served, stale near, stale served.
    first_stale = min(i for i, n in enumerate(order) if "viej" in n)
    assert order[first_stale - 1] == "Comida a domicilio"
    assert order[-1] == "Comida a domicilio vieja"
    assert "Comedor cerrado" not in order and "Comida lejos" not in order


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("probe", [5000, 0])
def test_the_count_of_a_text_near_a_place_stops_at_the_limit(
    directory: None, monkeypatch: pytest.MonkeyPatch, lang: str, probe: int
) -> None:
    monkeypatch.setattr(search_module, "TEXT_NEAR_PROBE", probe)
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search_module, "NEAR_SORT_ALL_UPTO", 5)
    params = replace(SEARCHES[0], per_page=4)
    expected = plain_answer(params)
    assert len(expected) > 5
    for page in (1, 2, 3):
        total, more, hits = answer(replace(params, page=page), lang)
        assert (total, more) == (5, True)
        assert hits == expected[(page - 1) * 4 : page * 4]
    # Exactly the limit is not "more than".
    women = plain_answer(SEARCHES[1])
    monkeypatch.setattr(search_module, "COUNT_LIMIT", len(women))
    monkeypatch.setattr(search_module, "NEAR_SORT_ALL_UPTO", len(women))
    assert answer(SEARCHES[1], lang)[:2] == (len(women), False)


@pytest.mark.parametrize("probe", [5000, 0])
def test_a_text_in_a_state_counts_the_same_both_ways(
    make_service: Any, monkeypatch: pytest.MonkeyPatch, probe: int
) -> None:
    monkeypatch.setattr(search_module, "TEXT_NEAR_PROBE", probe)
    food = "Comida caliente"
    make_service("Houston", description_es=food, at=(29.76, -95.37), region=town("Houston", "US"))
    make_service("Dallas", description_es=food, at=(32.78, -96.80), region=town("Dallas", "US"))
    make_service("Dallas camas", description_es="Camas", at=(32.78, -96.80))
    make_service("Miami", description_es=food, at=(25.77, -80.19), region=town("Miami", "US"))
    result = search(SearchParams(place="Texas", text="comida"), lang="es")
    assert [h.service.name_es for h in result.hits] == ["Houston", "Dallas"]
    assert (result.total, result.total_is_lower_bound) == (2, False)
