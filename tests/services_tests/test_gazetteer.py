"""The offline gazetteer, with and without accents."""

import pytest

from services.search.places import normalize, resolve_place


@pytest.mark.parametrize(
    "text,code_prefix",
    [
        ("Cúcuta", "CO-NSA-"),
        ("cucuta", "CO-NSA-"),
        ("CUCUTA", "CO-NSA-"),
        ("Houston, TX", "US-TX-"),
        ("houston, texas", "US-TX-"),
        ("Lima", "PE-LMA-"),
        ("Bogota", "CO-DC-"),
        ("San Cristóbal, Táchira", "VE-S-"),
        ("Santiago, Chile", "CL-RM-"),
        ("cucta", "CO-NSA-"),  # a typo still finds the town
    ],
)
def test_places(base, text, code_prefix) -> None:
    place = resolve_place(text)
    assert place is not None and place.region.code.startswith(code_prefix)
    assert -90 <= place.point.y <= 90


def test_countries_and_states(base) -> None:
    assert resolve_place("Perú").region.code == "PE"
    assert resolve_place("peru").region.code == "PE"
    assert resolve_place("Norte de Santander").region.code == "CO-NSA"


def test_country_restricts_the_search(base) -> None:
    assert resolve_place("San Cristóbal", country="VE").region.code.startswith("VE-")


def test_unknown_places(base) -> None:
    assert resolve_place("Atlántida sumergida") is None
    assert resolve_place("   ") is None


def test_normalize() -> None:
    assert normalize("  Bogotá, D.C. ") == "bogota d c"
