"""The ageing rules: a warning past the warning age (default 6 months), a lower rank for stale
listings in every ordering, out of public search, pages and API past the public limit (default
12 months) until verified again, and never deleted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.listings.upkeep import verify_service
from services.models import Service, VerificationMethod
from services.search import SearchParams, search
from tests.factories import verified
from tests.listings_tests.conftest import CUCUTA, days_ago, url


def ids(result) -> list:
    return [hit.service.id for hit in result.hits]


@pytest.fixture
def ages(make_service):
    """Three shelters in the same town, named so that alphabetical order puts the stale first."""
    return {
        "stale": make_service(
            "Albergue Antiguo",
            at=CUCUTA,
            terms=("emergency-shelter",),
            last_verified_at=days_ago(200),
        ),
        "fresh": make_service(
            "Albergue Nuevo", at=CUCUTA, terms=("emergency-shelter",), last_verified_at=days_ago(10)
        ),
        "gone": make_service(
            "Albergue Olvidado",
            at=CUCUTA,
            terms=("emergency-shelter",),
            last_verified_at=days_ago(400),
        ),
    }


def test_stale_listings_sink_below_fresh_ones_in_name_order(ages):
    result = search(SearchParams(), lang="es")
    assert ids(result) == [ages["fresh"].id, ages["stale"].id]


def test_stale_listings_sink_in_text_ranking(ages):
    result = search(SearchParams(text="albergue"), lang="es")
    assert ids(result) == [ages["fresh"].id, ages["stale"].id]


def test_stale_listings_sink_in_distance_order(make_service, ages):
    # The stale one is nearer the searcher than the fresh one, and still comes second.
    Service.objects.filter(pk=ages["fresh"].pk).update(last_verified_at=days_ago(1))
    near = make_service("Casa Cercana Vieja", at=(7.8901, -72.5001), last_verified_at=days_ago(250))
    far = make_service("Casa Lejana Nueva", at=(7.95, -72.55), last_verified_at=days_ago(1))
    result = search(SearchParams(lat=7.89, lon=-72.50, radius_km=20, per_page=10), lang="es")
    order = ids(result)
    assert order.index(far.id) < order.index(near.id)
    assert order.index(ages["fresh"].id) < order.index(ages["stale"].id)
    assert ages["gone"].id not in order


def test_very_stale_listings_leave_search_pages_and_api_but_are_kept(ages):
    gone = ages["gone"]
    assert gone.id not in ids(search(SearchParams(per_page=100), lang="es"))
    client = Client()
    assert client.get(url("services:service", pk=gone.pk)).status_code == 404
    api_ids = {s["id"] for s in client.get("/api/v1/services").json()["contents"]}
    assert str(gone.id) not in api_ids and str(ages["stale"].id) in api_ids
    assert client.get(f"/api/v1/services/{gone.id}").status_code == 404
    assert Service.objects.filter(pk=gone.pk).exists()  # never deleted
    assert gone in Service.objects.due_for_verification()


def test_verifying_again_brings_a_very_stale_listing_back(ages, alice_of):
    gone = ages["gone"]
    verify_service(actor=verified(alice_of(gone)), service=gone, method=VerificationMethod.PHONE)
    assert gone.id in ids(search(SearchParams(per_page=100), lang="es"))
    assert Client().get(url("services:service", pk=gone.pk)).status_code == 200


def test_an_edit_alone_does_not_bring_it_back(ages):
    gone = Service.objects.get(pk=ages["gone"].pk)
    gone.description_es = "Nuevo texto"
    gone.save()
    assert gone.id not in ids(search(SearchParams(per_page=100), lang="es"))


def test_the_ages_are_settings(ages, settings):
    settings.DIRECTORY_PUBLIC_STALE_DAYS = 500
    settings.DIRECTORY_VERIFY_WARN_DAYS = 300
    result = search(SearchParams(per_page=100), lang="es")
    assert ids(result) == [ages["stale"].id, ages["fresh"].id, ages["gone"].id]


def test_the_public_page_says_when_it_was_verified_and_warns_when_old(ages):
    client = Client()
    fresh = client.get(url("services:service", pk=ages["fresh"].pk)).content.decode()
    stale = client.get(url("services:service", pk=ages["stale"].pk)).content.decode()
    month = days_ago(10).strftime("%Y")
    assert "Verificado en" in fresh and month in fresh
    assert 'id="may-be-outdated"' not in fresh
    assert 'id="may-be-outdated"' in stale
    assert "puede estar desactualizada" in stale
    english = client.get(url("services:service", lang="en", pk=ages["stale"].pk)).content.decode()
    assert "Verified in" in english and "may be out of date" in english


def test_search_stays_a_constant_number_of_queries(make_service, ages):
    for i in range(12):
        make_service(f"Refugio {i}", at=CUCUTA, last_verified_at=days_ago(30 * i))

    def count(params: SearchParams) -> int:
        with CaptureQueriesContext(connection) as queries:
            search(params, lang="es")
        return len(queries)

    for params in (SearchParams(), SearchParams(text="refugio"), SearchParams(lat=7.89, lon=-72.5)):
        small = count(SearchParams(**{**params.__dict__, "per_page": 2}))
        large = count(SearchParams(**{**params.__dict__, "per_page": 50}))
        assert small == large
