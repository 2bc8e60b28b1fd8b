"""Places typed along the migration routes and in the United States resolve as a person expects:
with and without accents, in Spanish and English, with typos, and with a question (not a guess)
when a name has several plausible places. Real PostGIS, the regions of every country of the
Americas and Spain as load_regions builds them from the packages."""

from __future__ import annotations

from typing import Any

import pytest

from services.data.regions import AMERICAS_AND_SPAIN, load_regions
from services.models import PostalCode, Region
from services.search.places import read_place, resolve_place


@pytest.fixture(scope="module")
def americas(django_db_setup: Any, django_db_blocker: Any) -> None:
    # Committed once for the module (about a minute); no test here empties the tables.
    with django_db_blocker.unblock():
        load_regions(AMERICAS_AND_SPAIN)


@pytest.fixture
def places(americas: None, db: Any) -> None:
    assert Region.objects.filter(code="PA").exists() and PostalCode.objects.exists()


# (typed, the code the reading must have or start with)
EXACT = [
    # The examples that went wrong: a state or country, not a town elsewhere that starts alike.
    ("Florida", "US-FL"),
    ("New York", "US-NY"),
    ("Nueva York", "US-NY"),
    ("California", "US-CA"),
    ("Puerto Rico", "PR"),
    ("Madrid", "ES-MD-"),
    ("Buenos Aires", "AR-C-"),
    ("San Salvador", "SV-SS-"),
    # Central America, Panamá and the Darién.
    ("San Pedro Sula", "HN-CR-"),
    ("san pedro sula", "HN-CR-"),
    ("Tegucigalpa", "HN-FM-"),
    ("Tegucigalpa, Honduras", "HN-FM-"),
    ("Tegus", "HN-FM-"),
    ("Ciudad de Guatemala", "GT-01-"),
    ("Guatemala City", "GT-01-"),
    ("Quetzaltenango", "GT-09-"),
    ("Xela", "GT-09-"),
    ("Tecún Umán", "GT-12-"),
    ("San Salvador, El Salvador", "SV-SS-"),
    ("Managua", "NI-MN-"),
    ("San José, Costa Rica", "CR-SJ-"),
    ("Paso Canoas", "CR-P-"),
    ("Ciudad de Panamá", "PA-8-"),
    ("Panama City", "PA-8-"),
    ("Panamá", "PA"),
    ("Darién", "PA-5"),
    ("Metetí", "PA-5-"),
    ("Yaviza", "PA-5-"),
    ("Lajas Blancas", "PA-"),
    ("David", "PA-4-"),
    # The Caribbean.
    ("Santo Domingo, República Dominicana", "DO-01-"),
    ("Punta Cana", "DO-11-"),
    ("Santiago de los Caballeros", "DO-25-"),
    ("Port-au-Prince", "HT-OU-"),
    ("Cap-Haïtien", "HT-ND-"),
    ("Cabo Haitiano", "HT-ND-"),
    ("Haití", "HT"),
    ("La Habana", "CU-03"),
    # South America.
    ("Argentina", "AR"),
    ("Buenos Aires, Argentina", "AR-C-"),
    ("Rosario", "AR-S-"),
    ("Iquique", "CL-TA-"),
    ("Colchane", "CL-TA-"),
    ("Arica", "CL-AP-"),
    ("Tacna", "PE-TAC-"),
    ("Tumbes", "PE-TUM-"),
    ("Aguas Verdes", "PE-TUM-"),
    ("Huaquillas", "EC-O-"),
    ("Quito", "EC-P-"),
    ("Guayaquil", "EC-G-"),
    ("Tulcán", "EC-C-"),
    ("Ipiales", "CO-NAR-"),
    ("Rumichaca", "CO-NAR-"),
    ("Maicao", "CO-LAG-"),
    ("Cúcuta", "CO-NSA-"),
    ("cucuta", "CO-NSA-"),
    ("Cúcuta, Colombia", "CO-NSA-"),
    ("Necoclí", "CO-ANT-"),
    ("Necocli", "CO-ANT-"),
    ("Acandí", "CO-CHO-"),
    ("Capurganá", "CO-CHO-"),
    ("Turbo", "CO-ANT-"),
    ("Bogotá", "CO-DC-"),
    ("bogota", "CO-DC-"),
    ("Medellin", "CO-ANT-"),
    ("Norte de Santander", "CO-NSA"),
    ("Floridablanca", "CO-SAN-"),
    ("Florida, Valle del Cauca", "CO-VAC-"),
    ("Madrid, Cundinamarca", "CO-CUN-"),
    ("Puerto Rico, Caquetá", "CO-CAQ-"),
    ("San Antonio del Táchira", "VE-S-"),
    ("Caracas", "VE-A-"),
    ("Valencia, Venezuela", "VE-G-"),
    ("Pacaraima", "BR-RR-"),
    ("Boa Vista", "BR-RR-"),
    ("São Paulo", "BR-SP-"),
    ("Sao Paulo", "BR-SP-"),
    ("Lima", "PE-LMA-"),
    ("Lima, Perú", "PE-LMA-"),
    # Mexico.
    ("Tapachula", "MX-CHP-"),
    ("Tapachula, Chiapas", "MX-CHP-"),
    ("Huixtla", "MX-CHP-"),
    ("Ciudad de México", "MX-CMX"),
    ("CDMX", "MX-CMX-"),
    ("México DF", "MX-CMX-"),
    ("Monterrey", "MX-NLE-"),
    ("Reynosa", "MX-TAM-"),
    ("Nuevo Laredo", "MX-TAM-"),
    ("Ciudad Juarez", "MX-CHH-"),
    ("Tijuana", "MX-BCN-"),
    ("Mexicali", "MX-BCN-"),
    ("Mexico", "MX"),
    # The United States, in Spanish and English, with state codes and ZIP codes.
    ("Houston, TX", "US-TX-"),
    ("houston, texas", "US-TX-"),
    ("San Antonio, TX", "US-TX-"),
    ("El Paso", "US-TX-"),
    ("McAllen", "US-TX-"),
    ("Texas", "US-TX"),
    ("Tejas", "US-TX"),
    ("Carolina del Norte", "US-NC"),
    ("Nueva Jersey", "US-NJ"),
    ("NY", "US-NY"),
    ("Nueva Orleans", "US-LA-"),
    ("New Orleans", "US-LA-"),
    ("Los Ángeles, California", "US-CA-"),
    ("Chicago, IL", "US-IL-"),
    ("Washington DC", "US-DC-"),
    ("Miami", "US-FL-"),
    ("77002", "US-77002"),
    ("10001", "US-10001"),
    ("90011-1234", "US-90011"),
    # Spain and Canada.
    ("Madrid, España", "ES-MD-"),
    ("Barcelona, España", "ES-CT-"),
    ("Toronto", "CA-ON-"),
    # Typos.
    ("cucta", "CO-NSA-"),
    ("Kukuta", "CO-NSA-"),
    ("Tapachla", "MX-CHP-"),
    ("Tegucigalpha", "HN-FM-"),
    ("Bucaramnga", "CO-SAN-"),
    ("Sanpedro Sula", "HN-CR-"),
]


@pytest.mark.parametrize("typed,code", EXACT)
def test_a_typed_place_resolves_as_a_person_expects(places: None, typed: str, code: str) -> None:
    place = resolve_place(typed)
    assert place is not None, typed
    if code.endswith("-"):
        assert place.code.startswith(code), (typed, place.code, place.name)
    else:
        assert place.code == code, (typed, place.code, place.name)
    assert -90 <= place.point.y <= 90 and -180 <= place.point.x <= 180


def test_the_list_is_long_enough_to_mean_something() -> None:
    assert len(EXACT) + len(AMBIGUOUS) + len(UNKNOWN) >= 80


# (typed, the reading used, a code among the alternatives offered)
AMBIGUOUS = [
    ("San José", "CR-SJ-", "US-CA-"),
    ("San Jose", "US-CA-", "CR-SJ-"),
    ("Santo Domingo", "DO-01-", "EC-SD"),
    ("Florida", "US-FL", "UY-FD-"),
    ("Córdoba", "AR-X-", "ES-AN-"),
    ("Valencia", "VE-G-", "ES-VC-"),
    ("Santiago", "CL-RM-", "DO-25"),
    ("Buenos Aires", "AR-C-", "AR-B"),
    ("Ciudad Hidalgo", "MX-MIC-", "MX-CHP-"),
]


@pytest.mark.parametrize("typed,used,offered", AMBIGUOUS)
def test_an_ambiguous_name_is_a_question_with_the_readings(
    places: None, typed: str, used: str, offered: str
) -> None:
    place = resolve_place(typed)
    assert place is not None and place.ambiguous, typed
    assert place.code.startswith(used), (typed, place.code)
    codes = [alternative.code for alternative in place.alternatives]
    assert any(code.startswith(offered) for code in codes), (typed, codes)
    # Each alternative is a different place from the reading used.
    assert place.code not in codes


def test_a_clear_name_asks_nothing(places: None) -> None:
    for typed in ("Lima", "Tegucigalpa", "Houston, TX", "Madrid", "Miami", "Necoclí"):
        place = resolve_place(typed)
        assert place is not None and not place.ambiguous, typed


def test_the_page_context_country_wins(places: None) -> None:
    assert resolve_place("Florida", context="CO").code.startswith("CO-VAC-")
    assert resolve_place("Madrid", context="CO").code.startswith("CO-CUN-")
    assert resolve_place("San José", context="US").code.startswith("US-CA-")
    assert resolve_place("Córdoba", context="ES").code.startswith("ES-AN-")


# Typed places nobody can place: no reading at all, never a far-away guess.
UNKNOWN = ["Atlántida sumergida", "Xqzzyville", "   ", "houstn", "Guayakil"]


@pytest.mark.parametrize("typed", UNKNOWN)
def test_a_place_we_cannot_place_is_not_guessed(places: None, typed: str) -> None:
    assert resolve_place(typed) is None


def test_a_close_name_elsewhere_is_offered_not_taken(places: None) -> None:
    reading = read_place("houstn")
    assert reading.origin is None
    assert reading.choices and reading.choices[0].code.startswith("US-TX-")
    reading = read_place("Guayakil")
    assert reading.origin is None
    assert any(choice.code.startswith("EC-G-") for choice in reading.choices)


def test_a_typo_outside_the_context_country_is_only_offered(places: None) -> None:
    assert read_place("cucta", context="CO").origin is not None
    reading = read_place("cucta", context="MX")
    assert reading.origin is None
    assert any(choice.code.startswith("CO-NSA-") for choice in reading.choices)


def test_a_chosen_reading_comes_back_by_its_code(places: None) -> None:
    costa_rica = next(
        a for a in resolve_place("San Jose").alternatives if a.code.startswith("CR-SJ-")
    )
    again = resolve_place(f"={costa_rica.code}")
    assert again is not None and again.code == costa_rica.code and again.match == "code"
    assert resolve_place("=US-77002").kind == "postal_code"
    assert resolve_place("=ZZ-NOWHERE") is None


def test_the_api_description_of_a_reading(places: None) -> None:
    place = resolve_place("Houston, TX").as_dict()
    assert place["kind"] == "town" and place["country"] == "US" and place["region"] == "US-TX"
    assert 29 < place["latitude"] < 30.5 and -96 < place["longitude"] < -95
    zip_code = resolve_place("77002").as_dict()
    assert zip_code["kind"] == "postal_code" and zip_code["region"] == "US-TX"
    assert zip_code["name"].startswith("77002")
    state = resolve_place("Florida").as_dict()
    assert state["kind"] == "subdivision" and state["region"] == "US-FL"
    assert resolve_place("Panamá").as_dict()["kind"] == "country"


def test_every_country_of_the_americas_and_spain_is_loaded_with_its_names(places: None) -> None:
    for code in ("AR", "BO", "BR", "CA", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GT", "HN",
                 "HT", "JM", "MX", "NI", "PA", "PE", "PR", "PY", "SV", "US", "UY", "VE"):  # fmt: skip
        assert Region.objects.filter(code=code, level=0).exists(), code
    haiti = Region.objects.get(code="HT")
    assert (haiti.name_es, haiti.name_en, haiti.name_fr) == ("Haití", "Haiti", "Haïti")
    assert Region.objects.get(code="US").name_pt == "Estados Unidos"
    # Towns hang under their ISO subdivision, not the country, wherever the mapping is known.
    assert Region.objects.get(code__startswith="HN-CR-", name="San Pedro Sula")
    assert PostalCode.objects.get(code="77002").region.name == "Houston"


def test_a_place_read_a_moment_ago_is_read_from_memory_until_the_gazetteer_changes(base) -> None:
    """Reading a typed place is ~10 ms of Python: the search keeps each reading per process,
    and forgets them all when a region is saved or the regions are loaded again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from services.search.places import forget_readings, read_place, read_place_kept

    forget_readings()
    first = read_place_kept("Cúcuta", context="CO")
    assert first.origin is not None and first.origin.region.name_es == "Cúcuta"
    with CaptureQueriesContext(connection) as queries:
        again = read_place_kept("Cúcuta", context="CO")
    assert again is first and len(queries) == 0
    # The same answer read_place gives.
    assert read_place("Cúcuta", context="CO").origin.region.id == first.origin.region.id

    town = first.origin.region
    town.name_es = "Cúcuta Renombrada"
    town.save()
    with CaptureQueriesContext(connection) as queries:
        moved = read_place_kept("Cúcuta", context="CO")
    assert moved is not first and len(queries) > 0

    load_regions(("CL",), min_population=5000, postal_codes=False)
    assert read_place_kept("Cúcuta", context="CO") is not moved
