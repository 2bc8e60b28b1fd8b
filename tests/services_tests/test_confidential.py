"""A confidential shelter's exact position and address never reach public code, and searching
from many points learns nothing finer than its public grid-cell centre."""

import math

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from services.confidential import public_location, public_point
from services.search import SearchParams, haversine_km, search

EXACT = (7.88412, -72.49731)  # (lat, lon) near Cúcuta


def test_public_point_is_a_fixed_cell_centre_about_5_km_wide() -> None:
    exact = Point(EXACT[1], EXACT[0], srid=4326)
    first, again = public_point(exact), public_point(exact)
    assert (first.x, first.y) == (again.x, again.y)
    assert 0.05 < haversine_km(exact, first) < 3.6  # inside its ~5 km cell, never on the spot
    nearby = public_point(Point(EXACT[1] + 0.001, EXACT[0] + 0.001, srid=4326))
    assert (nearby.x, nearby.y) == (first.x, first.y)  # a neighbour in the same cell: same


@pytest.mark.parametrize(
    "lat,lon", [(7.88412, -72.49731), (-33.45, -70.66), (29.76, -95.36), (64.1, -21.9)]
)
def test_sql_grid_agrees_with_python(db: None, lat: float, lon: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g::geometry), ST_Y(g::geometry) FROM"
            " (SELECT enlace_public_point(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,"
            " true) AS g) AS x",
            [lon, lat],
        )
        x, y = cursor.fetchone()
    expected = public_point(Point(lon, lat, srid=4326))
    assert (round(x, 6), round(y, 6)) == (expected.x, expected.y)


def test_saving_a_confidential_location_stores_only_the_cell_centre(make_service) -> None:
    service = make_service("Casa refugio", at=EXACT, confidential=True)
    location = service.service_at_locations.get().location
    assert location.public_point.coords == public_point(location.point).coords
    assert location.public_point.coords != location.point.coords
    location.is_confidential = False
    location.save(update_fields=["is_confidential"])
    location.refresh_from_db()
    assert location.public_point.coords == location.point.coords


def test_public_location_hides_address_and_non_intake_phones(make_service) -> None:
    service = make_service("Casa refugio", at=EXACT, confidential=True)
    shown = public_location(service.service_at_locations.get().location, lang="es")
    assert shown.address is None
    assert [p.is_intake for p in shown.phones] == [True]
    assert (shown.longitude, shown.latitude) != (EXACT[1], EXACT[0])


def test_search_never_loads_the_exact_point(make_service) -> None:
    make_service("Casa refugio", at=EXACT, confidential=True)
    result = search(SearchParams(lat=7.9, lon=-72.5, radius_km=30), lang="es")
    location = result.hits[0].location
    assert "point" in location.get_deferred_fields()


def test_trilateration_from_many_points_finds_the_cell_centre_not_the_shelter(
    make_service,
) -> None:
    make_service("Casa refugio", at=EXACT, confidential=True)
    exact = Point(EXACT[1], EXACT[0], srid=4326)
    centre = public_point(exact)
    # An attacker asks from a ring of points and reads every distance the API reports.
    observations = []
    for step in range(24):
        angle = 2 * math.pi * step / 24
        lat = EXACT[0] + 0.2 * math.sin(angle)
        lon = EXACT[1] + 0.2 * math.cos(angle)
        hit = search(SearchParams(lat=lat, lon=lon, radius_km=60), lang="es").hits[0]
        observations.append((Point(lon, lat, srid=4326), hit.distance_km))
    # Every reported distance is the distance to the public cell centre...
    for origin, reported in observations:
        assert reported == pytest.approx(haversine_km(origin, centre), abs=0.05)
    # ...so the best fit over a fine grid lands on the centre, kilometres from the shelter.
    best = min(
        (
            sum((haversine_km(o, Point(x, y, srid=4326)) - d) ** 2 for o, d in observations),
            x,
            y,
        )
        for x in [centre.x + i * 0.004 for i in range(-10, 11)]
        for y in [centre.y + j * 0.004 for j in range(-10, 11)]
    )
    guess = Point(best[1], best[2], srid=4326)
    assert haversine_km(guess, centre) < 0.5
    assert haversine_km(guess, exact) > haversine_km(centre, exact) - 0.5


def test_radius_filter_uses_the_public_point(make_service) -> None:
    make_service("Casa refugio", at=EXACT, confidential=True)
    exact = Point(EXACT[1], EXACT[0], srid=4326)
    centre = public_point(exact)
    assert haversine_km(exact, centre) > 0.2
    # A tiny radius around the exact spot finds nothing: only the centre counts.
    near_exact = search(SearchParams(lat=EXACT[0], lon=EXACT[1], radius_km=0.1), lang="es")
    assert near_exact.total == 0
    near_centre = search(SearchParams(lat=centre.y, lon=centre.x, radius_km=0.1), lang="es")
    assert near_centre.total == 1
