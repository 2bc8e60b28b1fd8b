"""The shared cache of public search results (services/search/cache.py), against the real test
Redis: it answers repeats, forgets everything when the public directory changes, stores neither
the words nor the place, and search answers the same without Redis."""

import socket

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from services import models as m
from services.search import SearchParams, search
from services.search import cache as result_cache
from services.search import query as search_module

CUCUTA = (7.89, -72.51)


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def _entries() -> list[bytes]:
    return list(_redis().scan_iter(match=f"*{result_cache.ENTRY_PREFIX}*"))


def _ids(result) -> list:
    return [hit.service.id for hit in result.hits]


@pytest.fixture
def shelters(make_service):
    return [
        make_service(f"Albergue Norte {i}", at=CUCUTA, terms=("emergency-shelter",))
        for i in range(3)
    ]


def _searched_in_sql(monkeypatch) -> list[int]:
    """A counter of the searches that reached the database."""
    calls: list[int] = []
    real = search_module._compute

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(search_module, "_compute", counting)
    return calls


def test_a_repeated_search_is_answered_from_the_cache(shelters, monkeypatch) -> None:
    calls = _searched_in_sql(monkeypatch)
    params = SearchParams(text="albergue", lat=CUCUTA[0], lon=CUCUTA[1], radius_km=10)
    first = search(params, lang="es")
    second = search(params, lang="es")
    assert len(calls) == 1
    assert _ids(second) == _ids(first) and len(_ids(first)) == 3
    assert [h.distance_km for h in second.hits] == [h.distance_km for h in first.hits]
    assert (second.total, second.total_is_lower_bound) == (first.total, False)
    assert len(_entries()) == 1


def test_the_same_words_in_another_case_share_an_entry(shelters, monkeypatch) -> None:
    calls = _searched_in_sql(monkeypatch)
    search(SearchParams(text="Albergue  Norte"), lang="es")
    search(SearchParams(text="albergue norte"), lang="es")
    assert len(calls) == 1


def test_a_search_asked_about_another_moment_is_not_cached(shelters, monkeypatch) -> None:
    import datetime as dt

    calls = _searched_in_sql(monkeypatch)
    moment = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    search(SearchParams(text="albergue"), lang="es", now=moment)
    search(SearchParams(text="albergue"), lang="es", now=moment)
    assert len(calls) == 2
    assert _entries() == []


def test_a_cache_key_never_contains_the_words_or_the_place(shelters) -> None:
    search(SearchParams(text="albergue norte", place="Cúcuta"), lang="es")
    search(SearchParams(text="albergue", lat=CUCUTA[0], lon=CUCUTA[1], radius_km=10), lang="es")
    client = _redis()
    keys = list(client.scan_iter())
    assert len(_entries()) == 2
    stored = b" ".join(keys + [client.get(k) or b"" for k in keys if client.type(k) == b"string"])
    for secret in (b"albergue", b"norte", b"cucuta", b"C\xc3\xbacuta", b"7.89", b"72.51", b"-72"):
        assert secret.lower() not in stored.lower(), secret
    # The key is an HMAC under a key derived from SECRET_KEY: another secret, another key.
    params = SearchParams(text="albergue")
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    mine = result_cache.entry_key(params, None, lang="es", now=now)
    with override_settings(SECRET_KEY="another secret " * 4):
        assert result_cache.entry_key(params, None, lang="es", now=now) != mine


def test_unpublishing_a_service_drops_the_cache_at_once(shelters) -> None:
    params = SearchParams(text="albergue")
    assert len(_ids(search(params, lang="es"))) == 3
    shelters[0].status = "inactive"
    shelters[0].save()
    assert shelters[0].id not in _ids(search(params, lang="es"))


def test_each_public_change_replaces_the_directory_version(shelters) -> None:
    """Whatever the public could see changes — the service, its organisation's name, a phone, a
    schedule, a term, a location, its confidentiality, its publication — no cached page is
    served after it."""
    import datetime as dt

    service = shelters[0]
    location = service.service_at_locations.first().location
    term = m.TaxonomyTerm.objects.get(code="legal")

    def change_name():
        service.organization.name = "Fundación Renombrada"
        service.organization.save()

    def add_phone():
        m.Phone.objects.create(service=service, number="+57 300 000 0000")

    def add_schedule():
        m.Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday="MO",
            opens_at=dt.time(8),
            closes_at=dt.time(12),
        )

    def add_term():
        m.Attribute.objects.create(link_entity="service", link_id=service.id, taxonomy_term=term)

    def move():
        location.point = location.point.__class__(-72.6, 7.9, srid=4326)
        location.save()

    def hide():
        location.is_confidential = True
        location.save()

    def unpublish():
        service.status = "inactive"
        service.save()

    for change in (change_name, add_phone, add_schedule, add_term, move, hide, unpublish):
        search(SearchParams(text="albergue"), lang="es")
        key = result_cache.entry_key(
            SearchParams(text="albergue"), None, lang="es", now=dt.datetime.now(dt.UTC)
        )
        assert result_cache.lookup(key)[1] is not None, change.__name__
        change()
        assert result_cache.lookup(key)[1] is None, change.__name__


def test_a_refresh_of_the_search_rows_drops_the_cache(shelters) -> None:
    from services.search.index import refresh_services

    params = SearchParams(text="norte")
    assert shelters[1].id in _ids(search(params, lang="es"))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_service SET name = 'Comedor Sur', name_es = 'Comedor Sur'"
            " WHERE id = %s",
            [shelters[1].id],
        )
    refresh_services([shelters[1].id])
    assert shelters[1].id not in _ids(search(params, lang="es"))


def test_a_withdrawn_listing_is_never_served_from_the_cache(shelters) -> None:
    """Even when a change reaches the database without replacing the version (plain SQL, a
    Redis hiccup), a cached page naming a listing that is no longer public is not served."""
    params = SearchParams(text="albergue")
    search(params, lang="es")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_service SET status = 'inactive' WHERE id = %s", [shelters[2].id]
        )
    ids = _ids(search(params, lang="es"))
    assert shelters[2].id not in ids and len(ids) == 2


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_search_answers_when_redis_is_down(shelters, client) -> None:
    params = SearchParams(text="albergue", lat=CUCUTA[0], lon=CUCUTA[1], radius_km=10)
    expected = _ids(search(params, lang="es"))
    down = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    with override_settings(CACHES=down):
        assert _ids(search(params, lang="es")) == expected
        assert _ids(search(params, lang="es")) == expected
        shelters[0].status = "inactive"
        shelters[0].save()  # the version cannot be replaced either, and nothing fails
        assert shelters[0].id not in _ids(search(params, lang="es"))
        assert client.get("/api/v1/services", {"search": "albergue"}).status_code == 200
        # The words are sealed into the results address first (303), then the page answers.
        page = client.get("/es/buscar/", {"q": "albergue"}, follow=True)
        assert page.redirect_chain[0][1] == 303 and "/es/resultados/" in page.redirect_chain[0][0]
        assert page.status_code == 200 and "Albergue Norte" in page.content.decode()


def test_the_cache_can_be_turned_off(shelters, monkeypatch) -> None:
    calls = _searched_in_sql(monkeypatch)
    with override_settings(SEARCH_CACHE_SECONDS=0):
        search(SearchParams(text="albergue"), lang="es")
        search(SearchParams(text="albergue"), lang="es")
    assert len(calls) == 2 and _entries() == []
