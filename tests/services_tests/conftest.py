"""Directory fixtures: real regions (offline data) and taxonomy loaded once per test session,
and `make_service` to build a listing with its location, hours, languages and terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from services import models as m
from services.data.regions import load_regions
from services.data.taxonomy import load_taxonomy
from services.search.index import refresh_services

TEST_COUNTRIES = ("CO", "VE", "PE", "US", "CL")
# Towns of 5,000 people and more, no ZIP codes: what these suites need, loaded again quickly
# inside a test after a transactional test emptied the tables. The whole gazetteer is
# test_place_resolution.py's.
TEST_REGIONS: dict[str, Any] = {"min_population": 5000, "postal_codes": False}


@pytest.fixture(scope="session")
def directory_base(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Regions of five countries and the taxonomy, kept for the whole session (read-only)."""
    with django_db_blocker.unblock():
        load_regions(TEST_COUNTRIES, **TEST_REGIONS)
        load_taxonomy()


@pytest.fixture
def base(directory_base: None, db: Any) -> None:
    # A transactional test elsewhere in the run may have flushed the session's rows.
    if not m.Region.objects.filter(code="CL").exists():
        load_regions(TEST_COUNTRIES, **TEST_REGIONS)
    if not m.TaxonomyTerm.objects.exists():
        load_taxonomy()


def town(name: str, country: str) -> m.Region:
    from services.search.places import resolve_place

    place = resolve_place(name, country=country)
    assert place is not None and place.region.level == m.Region.Level.MUNICIPALITY
    return place.region


@pytest.fixture
def make_service(base: None) -> Any:
    counter = iter(range(1, 10_000))

    def build(
        name_es: str = "",
        *,
        name_en: str = "",
        description_es: str = "",
        description_en: str = "",
        at: tuple[float, float] | None = None,  # (lat, lon)
        region: m.Region | None = None,
        time_zone: str = "America/Bogota",
        confidential: bool = False,
        virtual: bool = False,
        area: m.Region | None = None,
        terms: tuple[str, ...] = (),
        languages: tuple[str, ...] = ("es",),
        hours: tuple[tuple[str, dt.time, dt.time], ...] = (),
        refresh: bool = True,
        **fields: Any,
    ) -> m.Service:
        n = next(counter)
        org = m.Organization.objects.create(name=f"Org {n}", description="x")
        service = m.Service.objects.create(
            organization=org,
            name=name_es or f"Servicio {n}",
            name_es=name_es or f"Servicio {n}",
            name_en=name_en or None,
            description_es=description_es,
            description_en=description_en or None,
            last_verified_at=fields.pop("last_verified_at", dt.datetime.now(dt.UTC)),
            **fields,
        )
        if at is not None or virtual:
            location = m.Location.objects.create(
                organization=org,
                name_es=f"Sede {n}",
                location_type="virtual" if virtual else "physical",
                point=Point(at[1], at[0], srid=4326) if at else None,
                is_confidential=confidential,
                region=region,
                time_zone=time_zone,
            )
            m.ServiceAtLocation.objects.create(service=service, location=location)
            m.Address.objects.create(
                location=location,
                address_1=f"Calle Secreta {n}",
                city="X",
                state_province="Y",
                country="CO",
            )
            m.Phone.objects.create(location=location, number=f"+57 601 555 01{n % 100:02d}")
            m.Phone.objects.create(
                location=location, number=f"+57 601 555 02{n % 100:02d}", is_intake=True
            )
        if area is not None:
            m.ServiceArea.objects.create(service=service, region=area)
        for code in terms:
            m.Attribute.objects.create(
                link_id=service.id,
                link_entity="service",
                taxonomy_term=m.TaxonomyTerm.objects.get(code=code),
            )
        for code in languages:
            m.Language.objects.create(service=service, code=code)
        for byday, opens, closes in hours:
            m.Schedule.objects.create(
                service=service, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes
            )
        if refresh:
            refresh_services([service.id])
        return service

    return build
