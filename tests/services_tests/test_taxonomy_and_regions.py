"""The vocabulary and the regions load idempotently, with Spanish and English names."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import models as m
from services.data.regions import ADMIN1_TO_ISO, load_regions
from services.data.taxonomy import TERMS, load_taxonomy
from services.models import Region, TaxonomyTerm
from tests.services_tests.conftest import TEST_REGIONS


def test_taxonomy_is_hierarchical_bilingual_and_idempotent(base) -> None:
    _taxonomy, changed = load_taxonomy()
    assert changed == 0
    shelter = TaxonomyTerm.objects.get(code="trafficking-shelter")
    assert shelter.parent.code == "emergency-shelter"
    assert shelter.parent.parent.code == "housing"
    assert (shelter.name_es, shelter.name_en) == (
        "Albergue especializado en trata",
        "Trafficking-specialised shelter",
    )
    assert TaxonomyTerm.objects.get(code="emergency-shelter").open_eligibility_code == (
        "human_services:housing:emergency_shelter"
    )
    codes = {t.code for t in TERMS}
    for needed in (
        "t-visa",
        "u-visa",
        "asylum",
        "continued-presence",
        "tps",
        "crisis-line",
        "labour-rights",
        "repatriation",
        "family-reunification",
        "substance-use",
    ):
        assert needed in codes


def test_regions_have_iso_codes_names_in_both_languages_and_towns(base) -> None:
    peru = Region.objects.get(code="PE")
    assert (peru.name_es, peru.name_en) == ("Perú", "Peru")
    assert Region.objects.get(code="US-TX").parent == Region.objects.get(code="US")
    cucuta = Region.objects.filter(level=2, name="Cúcuta").get()
    assert cucuta.parent.code == "CO-NSA" and cucuta.population > 500_000
    assert cucuta.time_zone == "America/Bogota"
    before = Region.objects.count()
    assert load_regions(("CO",), **TEST_REGIONS)["municipalities"] == 0
    assert Region.objects.count() == before


def test_every_geonames_first_level_code_maps_to_a_loaded_subdivision(base) -> None:
    for country, mapping in ADMIN1_TO_ISO.items():
        if not Region.objects.filter(code=country).exists():
            continue
        for suffix in mapping.values():
            assert Region.objects.filter(code=f"{country}-{suffix}").exists(), suffix


def test_each_level_is_joined_to_the_one_above_with_fresh_statistics(db) -> None:
    """Statistics taken while services_region was empty (a flush, a new database) make the
    planner see one row and join the 41,054 ZIP codes to the towns by a nested loop of
    sequential scans, which ran for minutes. The loader analyses the table after each level,
    before the next one (and the ZIP codes) are joined to it."""
    with CaptureQueriesContext(connection) as queries:
        load_regions(("US",), min_population=15000, postal_codes=True)
    steps = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.lstrip().startswith("INSERT INTO services_region"):
            steps.append("insert region")
        elif sql.lstrip().startswith("INSERT INTO services_postalcode"):
            steps.append("insert ZIP codes")
        elif "enlace_analyze" in sql:
            steps.append("analyze " + sql.split("'")[1])
    assert steps == [
        "insert region", "analyze services_region",
        "insert region", "analyze services_region",
        "insert region", "analyze services_region",
        "insert ZIP codes", "analyze services_postalcode",
    ]  # fmt: skip
    assert m.PostalCode.objects.filter(code="77002", region__name="Houston").exists()
