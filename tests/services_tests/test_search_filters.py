"""Every filter alone and combined, stable ordering, pagination with a total, and a constant
number of SQL queries per page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.search import SearchParamError, SearchParams, parse_search_params, search
from tests.services_tests.conftest import town

BOGOTA = (4.61, -74.08)
CUCUTA = (7.89, -72.50)


def names(result) -> set[str]:
    return {hit.service.name_es for hit in result.hits}


@pytest.fixture
def listings(make_service):
    cucuta = town("Cúcuta", "CO")
    bogota = town("Bogotá", "CO")
    return {
        "shelter": make_service(
            "Albergue Norte",
            at=CUCUTA,
            region=cucuta,
            terms=("emergency-shelter",),
            is_free=True,
            no_id_required=True,
            open_24_7=True,
            capacity_available=3,
            capacity_total=10,
            capacity_updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
            populations=["women"],
            languages=("es", "fr"),
            trafficking_specialised=True,
            immigration_status_not_asked=True,
        ),
        "legal": make_service(
            "Asesoría Centro",
            at=BOGOTA,
            region=bogota,
            terms=("immigration-legal",),
            is_free=True,
            populations=["men"],
            languages=("es", "en"),
            last_verified_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=200),
        ),
        "clinic": make_service(
            "Clínica Sur",
            at=BOGOTA,
            region=bogota,
            terms=("medical-care",),
            capacity_available=0,
            capacity_total=5,
            languages=("es",),
        ),
    }


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"free": "true"}, {"Albergue Norte", "Asesoría Centro"}),
        ({"no_id": "1"}, {"Albergue Norte"}),
        ({"immigration_status_not_asked": "1"}, {"Albergue Norte"}),
        ({"open_24_7": "1"}, {"Albergue Norte"}),
        ({"trafficking_specialised": "1"}, {"Albergue Norte"}),
        ({"has_capacity": "1"}, {"Albergue Norte"}),
        ({"population": "men"}, {"Asesoría Centro"}),
        ({"language": "fr"}, {"Albergue Norte"}),
        ({"language": "en"}, {"Asesoría Centro"}),
        ({"taxonomy_term_id": "housing"}, {"Albergue Norte"}),  # children included
        ({"taxonomy_term_id": "legal"}, {"Asesoría Centro"}),
        ({"taxonomy_term_id": "medical-care,legal"}, {"Clínica Sur", "Asesoría Centro"}),
        ({"region": "CO-NSA"}, {"Albergue Norte"}),
        ({"region": "CO-DC"}, {"Asesoría Centro", "Clínica Sur"}),
        ({"verified_within_days": "30"}, {"Albergue Norte", "Clínica Sur"}),
        ({"free": "1", "region": "CO-DC"}, {"Asesoría Centro"}),
        ({"free": "1", "language": "fr", "has_capacity": "1"}, {"Albergue Norte"}),
        ({"free": "1", "population": "women", "region": "CO-DC"}, set()),
        ({"q": "clinica", "region": "CO-DC", "has_capacity": "1"}, set()),
    ],
)
def test_filter(listings, params, expected) -> None:
    assert names(search(parse_search_params(params), lang="es")) == expected


def test_a_free_bed_reported_more_than_72_hours_ago_does_not_count_as_free(listings) -> None:
    from services.models import Service
    from services.search.index import refresh_services

    shelter = listings["shelter"]
    Service.objects.filter(pk=shelter.pk).update(
        capacity_updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=73)
    )
    refresh_services([shelter.id])
    assert names(search(parse_search_params({"has_capacity": "1"}), lang="es")) == set()


def test_organization_and_modified_after(listings) -> None:
    org = listings["clinic"].organization_id
    assert names(search(parse_search_params({"organization_id": str(org)}), lang="es")) == {
        "Clínica Sur"
    }
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert search(parse_search_params({"modified_after": future}), lang="es").total == 0
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    assert search(parse_search_params({"modified_after": past}), lang="es").total == 3


def test_taxonomy_id(listings) -> None:
    from services.models import Taxonomy

    ours = Taxonomy.objects.get(name="Enlace")
    other = Taxonomy.objects.create(name="Other", description="x")
    assert search(parse_search_params({"taxonomy_id": str(ours.id)}), lang="es").total == 3
    assert search(parse_search_params({"taxonomy_id": str(other.id)}), lang="es").total == 0


def test_accessible(listings) -> None:
    from services.models import Accessibility
    from services.search.index import refresh_services

    location = listings["clinic"].service_at_locations.get().location
    Accessibility.objects.create(location=location, description_es="Rampa")
    refresh_services([listings["clinic"].id])
    assert names(search(SearchParams(accessible=True), lang="es")) == {"Clínica Sur"}


def test_inactive_and_stale_listings_are_not_published(listings, make_service) -> None:
    make_service("Cerrado", status="inactive", at=BOGOTA)
    make_service("Viejo", at=BOGOTA, last_verified_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC))
    assert "Cerrado" not in names(search(SearchParams(per_page=100), lang="es"))
    assert "Viejo" not in names(search(SearchParams(per_page=100), lang="es"))


def test_pagination_is_stable_and_complete(make_service) -> None:
    for i in range(23):
        make_service(f"Servicio igual {i % 3}", at=BOGOTA)
    seen = []
    for page in (1, 2, 3):
        result = search(SearchParams(page=page, per_page=10), lang="es")
        assert result.total == 23 and result.total_pages == 3
        seen.extend(hit.service.id for hit in result.hits)
    assert len(seen) == len(set(seen)) == 23
    again = [h.service.id for h in search(SearchParams(page=1, per_page=10), lang="es").hits]
    assert again == seen[:10]


@pytest.mark.parametrize(
    "extra", [{}, {"lat": "4.6", "lon": "-74.1", "radius_km": "100"}, {"q": "servicio"}]
)
def test_query_count_does_not_grow_with_page_size(make_service, extra) -> None:
    for i in range(30):
        make_service(
            f"Servicio {i}",
            at=BOGOTA,
            languages=("es", "en"),
            terms=("medical-care",),
            hours=(("MO,TU", dt.time(8), dt.time(12)),),
        )
    counts = []
    for per_page in (2, 30):
        with CaptureQueriesContext(connection) as queries:
            result = search(parse_search_params({**extra, "per_page": str(per_page)}), lang="es")
            for hit in result.hits:  # what a results page reads
                _ = hit.service.organization.name
                [p.number for p in hit.service.phones.all()]
                [s.byday for s in hit.service.schedules.all()]
                [t.code for t in hit.service.terms]
                [
                    (loc.location.region, list(loc.location.phones.all()))
                    for loc in hit.service.service_at_locations.all()
                ]
        assert len(result.hits) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"lat": "95", "lon": "0"}, "lat"),
        ({"lat": "10"}, "lon"),
        ({"radius_km": "-3"}, "radius_km"),
        ({"free": "perhaps"}, "free"),
        ({"population": "aliens"}, "population"),
        ({"organization_id": "nope"}, "organization_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"per_page": "1000"}, "per_page"),
        ({"language": "spanish"}, "language"),
    ],
)
def test_bad_parameters_name_the_parameter(base, params, field) -> None:
    with pytest.raises(SearchParamError) as error:
        parse_search_params(params)
    assert error.value.field == field and error.value.message


def test_unknown_region_and_place_are_errors(base) -> None:
    with pytest.raises(SearchParamError) as error:
        parse_search_params({"region": "XX-NOPE"})
    assert error.value.field == "region"
    with pytest.raises(SearchParamError) as error:
        search(parse_search_params({"place": "Atlantis Sumergida"}), lang="es")
    assert error.value.field == "place"
