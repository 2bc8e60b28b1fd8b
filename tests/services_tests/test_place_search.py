"""Distance order from public points, radius, and "serves my place" by service areas."""

from django.contrib.gis.geos import MultiPolygon, Polygon

from services.models import ServiceArea
from services.search import SearchParams, search
from services.search.index import refresh_services
from tests.services_tests.conftest import town


def test_nearest_first_within_the_radius(make_service) -> None:
    make_service("Lejos", at=(7.95, -72.50))  # ~7 km north of the origin
    make_service("Cerca", at=(7.8905, -72.50))
    make_service("Fuera", at=(8.60, -72.50))  # ~80 km away
    result = search(SearchParams(lat=7.89, lon=-72.50, radius_km=25), lang="es")
    assert [h.service.name_es for h in result.hits] == ["Cerca", "Lejos"]
    assert result.hits[0].distance_km < 0.2 < 6 < result.hits[1].distance_km < 8


def test_place_name_searches_around_the_town(make_service) -> None:
    make_service("En Cúcuta", at=(7.90, -72.51))
    make_service("En Bogotá", at=(4.61, -74.08))
    result = search(SearchParams(place="cucuta"), lang="es")
    assert [h.service.name_es for h in result.hits] == ["En Cúcuta"]
    assert result.origin.region.code.startswith("CO-NSA-")


def test_a_national_hotline_serves_every_point_of_its_country(make_service) -> None:
    colombia, peru = town("Cúcuta", "CO").parent.parent, town("Lima", "PE").parent.parent
    make_service("Línea Colombia", virtual=True, area=colombia, open_24_7=True)
    make_service("Línea Perú", virtual=True, area=peru)
    make_service("Albergue Cúcuta", at=(7.90, -72.51), region=town("Cúcuta", "CO"))
    at_cucuta = search(SearchParams(lat=7.89, lon=-72.50, radius_km=20), lang="es")
    assert [h.service.name_es for h in at_cucuta.hits] == ["Albergue Cúcuta", "Línea Colombia"]
    assert at_cucuta.hits[1].distance_km is None
    at_lima = search(SearchParams(place="Lima"), lang="es")
    assert [h.service.name_es for h in at_lima.hits] == ["Línea Perú"]
    by_region = search(SearchParams(region="CO-NSA"), lang="es")
    assert {h.service.name_es for h in by_region.hits} == {"Línea Colombia", "Albergue Cúcuta"}


def test_a_drawn_service_area_covers_points_inside_it(make_service) -> None:
    service = make_service("Brigada móvil", virtual=True)
    square = Polygon(((-72.6, 7.8), (-72.4, 7.8), (-72.4, 8.0), (-72.6, 8.0), (-72.6, 7.8)))
    ServiceArea.objects.create(service=service, area=MultiPolygon(square, srid=4326))
    refresh_services([service.id])
    inside = search(SearchParams(lat=7.9, lon=-72.5, radius_km=5), lang="es")
    outside = search(SearchParams(lat=4.6, lon=-74.1, radius_km=5), lang="es")
    assert [h.service.name_es for h in inside.hits] == ["Brigada móvil"]
    assert outside.total == 0


def test_a_state_lists_what_is_in_it_nearest_to_its_main_town_first(make_service) -> None:
    make_service("Houston", at=(29.76, -95.37), region=town("Houston", "US"))
    make_service("Dallas", at=(32.78, -96.80), region=town("Dallas", "US"))
    make_service("Miami", at=(25.77, -80.19), region=town("Miami", "US"))
    result = search(SearchParams(place="Texas"), lang="es")
    assert [h.service.name_es for h in result.hits] == ["Houston", "Dallas"]


def test_a_location_without_region_counts_in_the_nearest_town(make_service) -> None:
    make_service("Importado sin región", at=(7.90, -72.51))
    result = search(SearchParams(region="CO-NSA"), lang="es")
    assert [h.service.name_es for h in result.hits] == ["Importado sin región"]
