"""The narrow search table (services/search/rows.py) stays in step with services_service: on
insert, on an update of every column it copies, on delete, and on set-based bulk writes; and it
holds public points only."""
# SQL here is built from constant column names and values in this file only.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from services import models as m
from services.confidential import public_point
from services.search.index import refresh_services
from services.search.rows import COPIED

BOGOTA = (4.61, -74.08)


def fetch(sql: str, args: Any = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def out_of_step() -> list[tuple]:
    """Services whose search row is missing or differs, and rows without a service."""
    plain = [c for c in COPIED if c != "search_points"] + ["sort_es", "sort_en"]
    # The sort keys written out here, independently of the module under test.
    wanted = [f"s.{c}" for c in COPIED if c != "search_points"] + [
        "lower(coalesce(s.name_es, s.name))",
        "lower(coalesce(s.name_en, s.name_es, s.name))",
    ]
    return fetch(
        f"""SELECT s.id, r.id FROM services_service s FULL JOIN services_searchrow r ON r.id = s.id
            WHERE s.id IS NULL OR r.id IS NULL
               OR ({", ".join("r." + c for c in plain)}) IS DISTINCT FROM ({", ".join(wanted)})
               OR ST_AsBinary(r.search_points) IS DISTINCT FROM ST_AsBinary(s.search_points)"""
    )


def rows() -> int:
    return fetch("SELECT count(*) FROM services_searchrow")[0][0]


@pytest.fixture
def two(make_service: Any) -> tuple[m.Service, m.Service]:
    return (
        make_service("Albergue Uno", name_en="Shelter One", at=BOGOTA, terms=("housing",)),
        make_service("Clínica Dos", at=BOGOTA, languages=("es", "en")),
    )


def test_a_new_service_gets_its_row_with_every_column(two: Any) -> None:
    assert rows() == 2
    assert out_of_step() == []
    sort_es, sort_en, points = fetch(
        "SELECT sort_es, sort_en, search_points IS NOT NULL FROM services_searchrow WHERE id = %s",
        [two[0].id],
    )[0]
    assert (sort_es, sort_en, points) == ("albergue uno", "shelter one", True)


# One new value for each copied column (and the names the sort keys come from).
NEW_VALUES = {
    "status": "'inactive'",
    "created_at": "created_at - interval '3 days'",
    "last_verified_at": "now() - interval '2 days'",
    "last_modified": "now() + interval '1 hour'",
    "organization_id": "(SELECT o.id FROM services_organization o WHERE o.id <> organization_id"
    " LIMIT 1)",
    "is_free": "NOT is_free",
    "no_id_required": "NOT no_id_required",
    "immigration_status_not_asked": "NOT immigration_status_not_asked",
    "open_24_7": "NOT open_24_7",
    "is_accessible": "NOT is_accessible",
    "trafficking_specialised": "NOT trafficking_specialised",
    "capacity_available": "1, capacity_total = 4",
    "capacity_updated_at": "now()",
    "term_ids": "'{}'",
    "region_ids": "'{1,2,3}'",
    "area_region_ids": "'{7}'",
    "language_codes": "'{qu}'",
    "populations": "'{women,families}'",
    "open_week": "'{[60,120)}'",
    "time_zone": "'America/Lima'",
    "search_points": "'SRID=4326;MULTIPOINT((-77.03 -12.05))'::geography",
    "name": "'Nombre Base', name_es = NULL",  # the Spanish key falls back to the base name
    "name_es": "'Zeta Refugio'",
    "name_en": "'Alpha Refuge'",
}


def test_every_copied_column_follows_an_update(two: Any) -> None:
    assert set(COPIED) - {"id"} <= set(NEW_VALUES)
    service = two[0]
    for column, value in NEW_VALUES.items():
        before = fetch("SELECT * FROM services_searchrow WHERE id = %s", [service.id])
        fetch(
            f"UPDATE services_service SET {column} = {value} WHERE id = %s RETURNING 1",
            [service.id],
        )
        after = fetch("SELECT * FROM services_searchrow WHERE id = %s", [service.id])
        assert after != before, column
        assert out_of_step() == [], column
    assert fetch("SELECT sort_es, sort_en FROM services_searchrow WHERE id = %s", [service.id]) == [
        ("zeta refugio", "alpha refuge")
    ]


def test_an_update_that_changes_nothing_searched_leaves_the_row_alone(two: Any) -> None:
    xmin = "SELECT xmin::text FROM services_searchrow WHERE id = %s"
    before = fetch(xmin, [two[0].id])
    fetch("UPDATE services_service SET description = 'otra' WHERE id = %s RETURNING 1", [two[0].id])
    assert fetch(xmin, [two[0].id]) == before


def test_deleting_a_service_deletes_its_row(two: Any, make_service: Any) -> None:
    two[0].delete()
    assert rows() == 1
    unplaced = make_service("Sin sede", languages=())  # nothing else points at it
    fetch("DELETE FROM services_service WHERE id = %s RETURNING 1", [unplaced.id])
    assert rows() == 1
    assert out_of_step() == []


def test_bulk_writes_keep_every_row_in_step(make_service: Any) -> None:
    services = [make_service(f"Servicio {i}", at=BOGOTA, refresh=False) for i in range(6)]
    assert rows() == 6
    # One statement over many rows, as imports and generate_directory write.
    fetch(
        "UPDATE services_service SET is_free = true, name_es = 'B ' || name_es,"
        " last_verified_at = now() - interval '200 days' RETURNING 1"
    )
    assert out_of_step() == []
    refresh_services()  # every search column of every service, set-based
    assert fetch("SELECT count(*) FROM services_searchrow WHERE search_points IS NULL") == [(0,)]
    assert out_of_step() == []
    org = services[0].organization
    m.Service.objects.bulk_create(  # one INSERT of many rows
        [m.Service(organization=org, name=f"Lote {i}", name_es=f"Lote {i}") for i in range(4)]
    )
    assert rows() == 10
    assert out_of_step() == []
    m.Service.objects.all().delete()  # one DELETE of every service after their locations
    assert rows() == 0


def test_the_row_of_a_confidential_shelter_holds_its_public_point_only(make_service: Any) -> None:
    shelter = make_service("Casa Segura", at=BOGOTA, confidential=True)
    exact = m.Location.objects.get(organization=shelter.organization).point
    lon, lat = fetch(
        "SELECT ST_X(ST_GeometryN(search_points::geometry, 1)),"
        " ST_Y(ST_GeometryN(search_points::geometry, 1)) FROM services_searchrow WHERE id = %s",
        [shelter.id],
    )[0]
    public = public_point(exact)
    assert (round(lon, 5), round(lat, 5)) == (round(public.x, 5), round(public.y, 5))
    assert (round(lon, 5), round(lat, 5)) != (round(exact.x, 5), round(exact.y, 5))


def test_stale_listings_are_copied_with_their_age(make_service: Any) -> None:
    old = make_service(
        "Viejo", at=BOGOTA, last_verified_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=300)
    )
    assert fetch("SELECT last_verified_at FROM services_searchrow WHERE id = %s", [old.id]) == [
        (old.last_verified_at,)
    ]
