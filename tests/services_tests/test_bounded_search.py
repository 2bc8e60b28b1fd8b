"""No search can tie up the server: words too common to search by are dropped, every search's SQL
runs under a time limit answered "too broad" (422 on the API, a message on the site), pages
stop at the 1,000th result, and the typo fallbacks read an index, not every name. Real
PostgreSQL and Redis throughout; the slow statement is made slow by a real lock."""

import threading

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from services.search import SearchParams, SearchTooBroad, search
from services.search import query as search_module
from services.search.params import MAX_RESULTS, last_page
from services.search.places import _fuzzy
from services.search.text import search_text
from tests.public_tests.conftest import sealed_results

CUCUTA = (7.89, -72.51)


def _ids(result) -> set:
    return {row[0] for row in result.rows}


@pytest.fixture
def listings(make_service):
    return [
        make_service("Albergue de Mujeres", at=CUCUTA, terms=("emergency-shelter",)),
        make_service("Casa de Acogida", at=CUCUTA, terms=("emergency-shelter",)),
        make_service("Asesoría Legal de Migrantes", at=CUCUTA, terms=("legal",)),
        make_service("Comedor La Esperanza", at=CUCUTA),
    ]


# --- stop words and short words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("de", ""),
        ("la y el", ""),
        ("a", ""),
        ("of the and", ""),
        ("para as de com", ""),
        ("le la les des du", ""),
        ("albergue de mujeres", "albergue mujeres"),
        ("shelter for women", "shelter women"),
        ("abrigo para mulheres", "abrigo mulheres"),
        ("refuge pour les femmes", "refuge femmes"),
        ("Estados Unidos", "Estados Unidos"),
        ("VIH", "VIH"),
        ('"casa de acogida"', "casa acogida"),
        ("albergue or refugio", "albergue or refugio"),
        ("albergue or de", "albergue"),
    ],
)
def test_stop_words_and_words_of_one_or_two_letters_are_not_searched_by(typed, searched) -> None:
    assert search_text(typed) == searched


def test_at_most_ten_words_are_searched_by() -> None:
    words = [f"palabra{n}" for n in range(20)]
    assert search_text(" ".join(words)).split() == words[:10]


def test_a_stop_word_matches_nothing_by_itself_the_other_parameters_decide(listings) -> None:
    """ "de" is in most names: searched by, it matched them all through the English reading."""
    near = SearchParams(lat=CUCUTA[0], lon=CUCUTA[1], radius_km=10)
    with_stop_word = search(
        SearchParams(text="de", lat=CUCUTA[0], lon=CUCUTA[1], radius_km=10), lang="es", load="rows"
    )
    assert _ids(with_stop_word) == _ids(search(near, lang="es", load="rows"))
    assert with_stop_word.corrected_text == ""
    assert with_stop_word.total == len(listings)


def test_stop_words_do_not_change_what_a_search_finds(listings) -> None:
    found = search(SearchParams(text="albergue de las mujeres"), lang="es", load="rows")
    plain = search(SearchParams(text="albergue mujeres"), lang="es", load="rows")
    assert _ids(found) == _ids(plain) == {listings[0].id}


def test_a_search_of_only_stop_words_runs_no_text_search_and_no_typo_fallback(listings) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        search(SearchParams(text="de la el y", region="CO"), lang="es", load="rows")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "to_tsquery" not in sql
    assert "services_searchword" not in sql


def test_the_api_treats_a_query_of_only_stop_words_as_no_text(client, listings) -> None:
    plain = client.get("/api/v1/services").json()
    stop = client.get("/api/v1/services", {"search": "de la"}).json()
    assert stop["total_items"] == plain["total_items"] == len(listings)
    assert [s["id"] for s in stop["contents"]] == [s["id"] for s in plain["contents"]]


def test_the_page_asks_what_is_needed_when_every_word_is_too_common(listings) -> None:
    response = Client().get(sealed_results("q=de+la"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "demasiado comunes" in html
    assert "Albergue de Mujeres" not in html
    # With a place, the place decides.
    response = Client().get(sealed_results("q=de&place=C%C3%BAcuta"))
    assert response.status_code == 200
    assert "Albergue de Mujeres" in response.content.decode()


# --- the time limit -----------------------------------------------------------------------------


class _TableLock:
    """Another session holds the search tables, so a search's statement waits on it: a real
    statement that does not finish, whatever the size of the test directory."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.release = threading.Event()

    def __enter__(self) -> "_TableLock":
        dsn = settings.DATABASE_OWNER_URL or settings.DATABASE_URL
        name = connection.settings_dict["NAME"]
        dsn = dsn.replace("postgis://", "postgresql://").rsplit("/", 1)[0] + "/" + name

        def hold() -> None:
            with psycopg.connect(dsn) as conn:
                conn.execute(
                    "LOCK TABLE services_searchrow, services_service IN ACCESS EXCLUSIVE MODE"
                )
                self.ready.set()
                self.release.wait(30)

        self.thread = threading.Thread(target=hold, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


@pytest.mark.django_db(transaction=True)
@override_settings(SEARCH_STATEMENT_TIMEOUT_MS=200)
def test_a_search_that_runs_out_of_time_is_answered_too_broad_and_leaves_no_limit_behind(
    make_service,
) -> None:
    make_service("Albergue Norte", at=CUCUTA)
    with _TableLock(), pytest.raises(SearchTooBroad) as raised:
        search(SearchParams(text="albergue"), lang="es", load="rows", now=None)
    assert raised.value.field == "search"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    # The connection is usable, and the search runs once the table is free.
    assert search(SearchParams(text="norte"), lang="es", load="rows").total == 1


@pytest.mark.django_db(transaction=True)
@override_settings(SEARCH_STATEMENT_TIMEOUT_MS=200, SEARCH_CACHE_SECONDS=120)
def test_the_api_answers_a_search_out_of_time_with_422_in_the_users_language(make_service) -> None:
    make_service("Albergue Norte", at=CUCUTA)
    client = Client()
    with _TableLock():
        response = client.get("/api/v1/services", {"search": "albergue"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == "search"
    assert "demasiado amplia" in body["detail"]
    assert "max-age" not in response.get("Cache-Control", "") and not response.has_header("ETag")
    # Asked again while the cache remembers it, it is refused without running the search.
    calls = []
    original = search_module._compute
    search_module._compute = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        again = client.get("/api/v1/services", {"search": "albergue"}, HTTP_ACCEPT_LANGUAGE="es")
    finally:
        search_module._compute = original
    assert again.status_code == 422 and calls == []
    # Another search is not affected.
    assert client.get("/api/v1/services", {"search": "norte"}).json()["total_items"] == 1


@pytest.mark.django_db(transaction=True)
@override_settings(SEARCH_STATEMENT_TIMEOUT_MS=200, SEARCH_CACHE_SECONDS=0)
def test_the_results_page_shows_a_search_out_of_time_as_a_message(make_service) -> None:
    make_service("Albergue Norte", at=CUCUTA)
    url = sealed_results("q=albergue")
    # The form's country choices are read once and cached: read them before the tables are held.
    assert Client().get(sealed_results("q=norte")).status_code == 200
    with _TableLock():
        response = Client().get(url)
    assert response.status_code == 422
    html = response.content.decode()
    assert "demasiado amplia" in html
    assert 'name="q"' in html  # the form is there to narrow it


# --- deep pages -------------------------------------------------------------------------------


def test_pages_stop_at_the_thousandth_result() -> None:
    assert last_page(20) == 50
    assert last_page(100) == 10
    assert last_page(1) == 50
    assert (last_page(20) - 1) * 20 < MAX_RESULTS
    assert (last_page(100) - 1) * 100 < MAX_RESULTS


def test_the_api_refuses_a_page_past_the_last_and_says_how_to_narrow(client, listings) -> None:
    assert client.get("/api/v1/services", {"page": 50}).status_code == 200
    for query in ({"page": 51}, {"page": 700, "search": "de"}, {"page": 11, "per_page": 100}):
        response = client.get("/api/v1/services", query, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 400, query
        assert response.json()["parameter"] == "page"
        assert "1000" in response.json()["detail"]


def test_no_page_past_the_last_is_offered(client, listings) -> None:
    body = client.get("/api/v1/services", {"per_page": 1}).json()
    assert body["total_items"] == len(listings)
    assert body["total_pages"] == len(listings)
    result = search(SearchParams(per_page=1), lang="es", load="rows")
    assert result.total_pages == min(len(listings), last_page(1))


def test_the_results_page_refuses_a_page_past_the_last(listings) -> None:
    response = Client().get(sealed_results("q=albergue&page=51"))
    assert response.status_code == 400
    assert "1000" in response.content.decode()


# --- fallbacks read an index ------------------------------------------------------------------


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_mistyped_place_is_read_through_the_trigram_index(base) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found = _fuzzy("cucta", None)
    assert any(region.name_es == "Cúcuta" for region, _score in found)
    sql = queries.captured_queries[-1]["sql"]
    assert "region_name_es_trgm" in _plan(sql, None)


def test_a_mistyped_word_is_read_through_the_words_index(listings) -> None:
    from django.test.utils import CaptureQueriesContext

    # A words table of a real directory's size, so that the planner's choice is the one
    # production gets (on a few hundred words any plan is cheap, and any may be chosen).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO services_searchword (word) SELECT 'palabra' || n || 'x'"
            " FROM generate_series(1, 20000) AS n ON CONFLICT DO NOTHING"
        )
        cursor.execute("ANALYZE services_searchword")
    with CaptureQueriesContext(connection) as queries:
        assert search_module.correct_words("albege") == "albergue"
    sql = queries.captured_queries[-1]["sql"]
    assert "searchword_trgm_gin" in _plan(sql, None)
