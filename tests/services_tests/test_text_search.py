"""Spanish and English full text: stemming, accents, taxonomy labels and keywords, typos."""

import pytest

from services.search import SearchParams, search

BOGOTA = (4.61, -74.08)


def found(text: str, lang: str = "es") -> set[str]:
    return {h.service.name_es for h in search(SearchParams(text=text), lang=lang).hits}


@pytest.fixture
def listings(make_service):
    make_service(
        "Albergue La Esperanza",
        description_es="Hospedaje temporal para familias migrantes.",
        at=BOGOTA,
        terms=("emergency-shelter",),
    )
    make_service(
        "Legal Clinic (English only)",
        name_en="Legal Clinic",
        description_en="Lawyers helping survivors with T visas and asylum claims.",
        content_language="en",
        at=BOGOTA,
        terms=("immigration-legal",),
    )
    make_service(
        "Asesoría jurídica laboral",
        description_es="Orientación sobre salarios no pagados.",
        at=BOGOTA,
        terms=("labour-rights",),
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        ("albergues", "Albergue La Esperanza"),  # Spanish plural stems to the singular
        ("familia migrante", "Albergue La Esperanza"),
        ("asesoria juridica", "Asesoría jurídica laboral"),  # accents are optional
        ("ASESORÍA", "Asesoría jurídica laboral"),
        ("lawyer", "Legal Clinic (English only)"),  # English stemming: lawyers → lawyer
        ("claim", "Legal Clinic (English only)"),
        ("shelters", "Albergue La Esperanza"),  # the term's English label counts
        ("refugio", "Albergue La Esperanza"),  # the term's keywords count
    ],
)
def test_stemming_and_accents(listings, text, expected) -> None:
    assert expected in found(text)


def test_abogado_migratorio_finds_immigration_help_in_english_content(listings) -> None:
    assert "Legal Clinic (English only)" in found("abogado migratorio")
    assert "Legal Clinic (English only)" in found("immigration lawyer", "en")
    assert "Albergue La Esperanza" not in found("abogado migratorio")


def test_typo_falls_back_to_the_nearest_word(listings) -> None:
    result = search(SearchParams(text="albege"), lang="es")
    assert [h.service.name_es for h in result.hits] == ["Albergue La Esperanza"]
    assert result.corrected_text == "albergue"


def test_no_match_stays_empty(listings) -> None:
    result = search(SearchParams(text="zzzzqqq"), lang="es")
    assert result.total == 0 and result.hits == [] and result.corrected_text == ""


def test_name_matches_rank_before_description_matches(make_service) -> None:
    make_service("Comedor", description_es="Cerca del albergue municipal.", at=BOGOTA)
    make_service("Albergue Central", at=BOGOTA)
    hits = search(SearchParams(text="albergue"), lang="es").hits
    assert [h.service.name_es for h in hits] == ["Albergue Central", "Comedor"]
