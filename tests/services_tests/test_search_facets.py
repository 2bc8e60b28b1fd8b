"""The name order per filter value (services_searchfacet, services/search/rows.py FACET_ROWS:
terms, languages, populations) stays in step with the search rows on insert, update, delete and
set-based bulk writes; and a term, population or language filter with more matches than search
counts (which walks those rows) gives the same page, in the same order, as sorting every match:
fresh before stale, name order per language, id between equal names, every filter combined,
children of the term included, each listing once."""
# SQL here is built from constant fragments in this file only.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from services import models as m
from services.search import SearchParams, search
from services.search import query as search_module
from services.search.index import refresh_services
from services.search.rows import facet_id

BOGOTA = (4.61, -74.08)


def fetch(sql: str, args: Any = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def wanted_rows() -> set[tuple]:
    """(facet, id, sort_es, sort_en) every search row should have, written out here in Python
    from the search rows, independently of the SQL under test."""
    wanted = set()
    for sid, terms, langs, pops, sort_es, sort_en in fetch(
        "SELECT id, term_ids, language_codes, populations, sort_es, sort_en FROM services_searchrow"
    ):
        facets = set(terms)
        facets |= {facet_id("language", c) for c in langs}
        facets |= {facet_id("population", p) for p in pops}
        wanted |= {(f, sid, sort_es, sort_en) for f in facets}
    return wanted


def out_of_step() -> set[tuple]:
    """Facet rows that should be there and are not, or are there and should not be."""
    have = set(fetch("SELECT facet, id, sort_es, sort_en FROM services_searchfacet"))
    return have ^ wanted_rows()


def facet_count() -> int:
    return fetch("SELECT count(*) FROM services_searchfacet")[0][0]


def term_rows(service: m.Service) -> set[str]:
    return {
        code
        for (code,) in fetch(
            "SELECT tt.code FROM services_searchfacet f JOIN services_taxonomyterm tt"
            " ON tt.id = f.facet WHERE f.id = %s",
            [service.id],
        )
    }


def test_a_new_service_gets_one_row_per_term_language_and_population(make_service: Any) -> None:
    service = make_service(
        "Albergue",
        terms=("housing", "emergency-shelter"),
        languages=("es", "pt"),
        populations=["women", "lgbtq"],
    )
    plain = make_service("Sin temas", languages=())
    assert term_rows(service) == {"housing", "emergency-shelter"}
    assert term_rows(plain) == set()
    facets = dict(
        fetch("SELECT facet, sort_es FROM services_searchfacet WHERE id = %s", [service.id])
    )
    assert len(facets) == 6 and set(facets.values()) == {"albergue"}
    assert {facet_id("language", "pt"), facet_id("population", "lgbtq")} <= set(facets)
    assert fetch("SELECT count(*) FROM services_searchfacet WHERE id = %s", [plain.id]) == [(0,)]
    assert out_of_step() == set()


def test_terms_and_names_follow_updates(make_service: Any) -> None:
    service = make_service("Albergue", terms=("housing",))
    m.Attribute.objects.filter(link_id=service.id).delete()
    m.Attribute.objects.create(
        link_id=service.id,
        link_entity="service",
        taxonomy_term=m.TaxonomyTerm.objects.get(code="legal"),
    )
    refresh_services([service.id])
    assert term_rows(service) == {"legal"}
    fetch(
        "UPDATE services_service SET name_es = 'Zeta', name_en = 'Alpha' WHERE id = %s RETURNING 1",
        [service.id],
    )
    assert set(
        fetch("SELECT sort_es, sort_en FROM services_searchfacet WHERE id = %s", [service.id])
    ) == {("zeta", "alpha")}
    fetch("UPDATE services_service SET term_ids = '{}' WHERE id = %s RETURNING 1", [service.id])
    assert term_rows(service) == set()
    # What every walk tests in the index follows too: verification, status, the yes/no filters.
    for change in (
        "last_verified_at = now() - interval '300 days'",
        "status = 'inactive'",
        "is_free = NOT is_free, open_24_7 = NOT open_24_7",
    ):
        fetch(f"UPDATE services_service SET {change} WHERE id = %s RETURNING 1", [service.id])
        assert out_of_step() == set(), change
    fetch(
        "UPDATE services_service SET language_codes = '{fr}', populations = '{families}'"
        " WHERE id = %s RETURNING 1",
        [service.id],
    )
    assert set(fetch("SELECT facet FROM services_searchfacet WHERE id = %s", [service.id])) == {
        (facet_id("language", "fr"),),
        (facet_id("population", "families"),),
    }
    assert out_of_step() == set()


def test_an_update_that_changes_no_facet_or_name_leaves_the_rows_alone(make_service: Any) -> None:
    service = make_service("Albergue", terms=("housing",))
    xmin = "SELECT xmin::text FROM services_searchfacet WHERE id = %s ORDER BY facet"
    before = fetch(xmin, [service.id])
    fetch(
        "UPDATE services_service SET is_free = NOT is_free WHERE id = %s RETURNING 1", [service.id]
    )
    assert fetch(xmin, [service.id]) == before


def test_deleting_a_service_deletes_its_facet_rows(make_service: Any) -> None:
    gone = make_service("Albergue", terms=("housing", "legal"))
    kept = make_service("Clínica", terms=("medical-care",))
    gone.delete()
    assert term_rows(gone) == set()
    assert term_rows(kept) == {"medical-care"}
    assert out_of_step() == set()


def test_bulk_writes_keep_every_facet_row_in_step(make_service: Any) -> None:
    services = [
        make_service(
            f"Servicio {i}", terms=("housing",) if i % 2 else ("legal", "asylum"), languages=()
        )
        for i in range(6)
    ]
    # One statement over many rows, as imports and generate_directory write.
    fetch("UPDATE services_service SET name_es = 'B ' || name_es RETURNING 1")
    fetch(
        "UPDATE services_service SET term_ids = term_ids[1:1] WHERE name_es LIKE '%%1'"
        " OR name_es LIKE '%%2' RETURNING 1"
    )
    assert out_of_step() == set()
    refresh_services()  # every search column of every service, set-based
    assert out_of_step() == set()
    assert facet_count() == 3 * 1 + 3 * 2
    org = services[0].organization
    m.Service.objects.bulk_create(  # one INSERT of many rows
        [
            m.Service(organization=org, name=f"Lote {i}", name_es=f"Lote {i}", term_ids=[t])
            for i, t in enumerate(m.TaxonomyTerm.objects.values_list("id", flat=True)[:4])
        ]
    )
    assert facet_count() == 13
    assert out_of_step() == set()
    fetch("UPDATE services_service SET language_codes = '{es,en}' RETURNING 1")
    assert facet_count() == 13 + 2 * 10
    assert out_of_step() == set()
    m.Service.objects.all().delete()
    assert facet_count() == 0


# --- the walk gives what sorting every match gives ----------------------------------------------

NOW = dt.datetime.now(dt.UTC)
STALE = NOW - dt.timedelta(days=200)  # past the warning age, still listed


@pytest.fixture
def shelters(make_service: Any) -> list[m.Service]:
    made = []
    # Names that tie (same name, told apart by id), Spanish and English keys that order
    # differently, stale listings, a child term, both terms at once, another language.
    for i, (name, name_en, terms, stale, langs) in enumerate(
        [
            ("Casa Azul", "Blue House", ("housing",), False, ("es",)),
            ("albergue norte", "North Shelter", ("emergency-shelter",), False, ("es", "pt")),
            ("Albergue Norte", "Zed Shelter", ("housing", "emergency-shelter"), False, ("pt",)),
            ("Albergue Norte", "", ("housing",), True, ("es",)),
            ("Zona Segura", "Safe Zone", ("safe-housing",), False, ("es", "pt")),
            ("Bajo Techo", "Under a Roof", ("housing",), True, ("pt",)),
            ("Ayuda Legal", "Legal Aid", ("legal",), False, ("es", "pt")),
            ("Dormitorio", "Dorm", ("trafficking-shelter",), False, ("es",)),
            ("Casa Azul", "Blue House", ("housing",), False, ("es", "pt")),
        ]
    ):
        made.append(
            make_service(
                name,
                name_en=name_en,
                at=BOGOTA,
                terms=terms,
                languages=langs,
                is_free=i % 3 != 0,
                populations=["women"] if i % 2 else ["women", "families"],
                last_verified_at=STALE if stale else NOW,
            )
        )
    return made


HOUSING = {"housing", "emergency-shelter", "trafficking-shelter", "safe-housing"}


def expected(services: list[m.Service], params: SearchParams, lang: str) -> list[Any]:
    wanted = HOUSING if params.taxonomy_term else None
    chosen = []
    for service in services:
        codes = set(
            m.Attribute.objects.filter(link_id=service.id).values_list(
                "taxonomy_term__code", flat=True
            )
        )
        langs = set(service.languages.values_list("code", flat=True))
        if (wanted and not codes & wanted) or (params.free and not service.is_free):
            continue
        if params.population and params.population not in service.populations:
            continue
        if params.language and params.language not in langs:
            continue
        chosen.append(service)
    if lang == "en":
        key = lambda s: (s.name_en or s.name_es or s.name).lower()  # noqa: E731
    else:
        key = lambda s: (s.name_es or s.name).lower()  # noqa: E731
    return [s.id for s in sorted(chosen, key=lambda s: (s.last_verified_at == STALE, key(s), s.id))]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    "filters", [{}, {"free": True}, {"language": "pt"}, {"free": True, "language": "pt"}]
)
def test_a_term_with_many_matches_pages_in_the_order_of_sorting_them_all(
    shelters: list[m.Service], monkeypatch: Any, lang: str, filters: dict[str, Any]
) -> None:
    want = expected(shelters, SearchParams(taxonomy_term=("housing",), **filters), lang)
    assert len(want) >= 2
    pages = {}
    for limit in (1000, 1):  # every match sorted / more than counted: the term rows walked
        monkeypatch.setattr(search_module, "COUNT_LIMIT", limit)
        got = []
        for page in range(1, 6):
            params = SearchParams(taxonomy_term=("housing",), page=page, per_page=2, **filters)
            got += [hit.service.id for hit in search(params, lang=lang, now=NOW).hits]
        pages[limit] = got
    assert pages[1000] == want
    assert pages[1] == want


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    "filters",
    [
        {"language": "pt"},
        {"language": "es", "free": True},
        {"population": "women"},
        {"population": "families", "language": "pt"},
    ],
)
def test_a_population_or_language_with_many_matches_pages_in_the_same_order(
    shelters: list[m.Service], monkeypatch: Any, lang: str, filters: dict[str, Any]
) -> None:
    want = expected(shelters, SearchParams(**filters), lang)
    assert len(want) >= 2
    pages = {}
    for limit in (1000, 1):
        monkeypatch.setattr(search_module, "COUNT_LIMIT", limit)
        got = []
        for page in range(1, 7):
            params = SearchParams(page=page, per_page=2, **filters)
            got += [hit.service.id for hit in search(params, lang=lang, now=NOW).hits]
        pages[limit] = got
    assert pages[1000] == want
    assert pages[1] == want


def test_the_walk_reads_the_term_rows(shelters: list[m.Service], monkeypatch: Any) -> None:
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 1)
    params = SearchParams(taxonomy_term=("housing",))
    assert len(search(params, lang="es", now=NOW).hits) == 8
    # Without its term rows a listing is not found by the walk: proof that the walk reads them.
    fetch("DELETE FROM services_searchfacet WHERE id = %s RETURNING 1", [shelters[0].id])
    assert shelters[0].id not in [h.service.id for h in search(params, lang="es", now=NOW).hits]


def test_generate_directory_fills_the_facet_rows(base: None) -> None:
    # It writes with the triggers off (replica role) and fills the search tables at the end.
    from services.data.synthetic import generate

    generate(30, seed=5, workers=1, log=lambda _line: None)
    assert facet_count() > 30
    assert out_of_step() == set()
