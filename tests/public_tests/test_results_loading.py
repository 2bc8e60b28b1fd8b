"""The results page stitches stored cards (services/search/documents.py) and, for a service
without a current one, loads only what a result card shows (load="page", without Django's
prefetch machinery): the page must be byte for byte what the fully loaded services give, in a
constant number of queries, and never with a location's exact point."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import services.public.views as views
from services.models import Service
from services.search import documents, results
from services.search.results import build_hits, load_services
from tests.public_tests.demo import demo_directory

SEARCHES = [
    "/es/buscar/?q=albergue",
    "/en/search/?q=legal",
    "/es/buscar/?place=C%C3%BAcuta",
    "/es/buscar/?place=Bogot%C3%A1&radius_km=2000&q=salud",
    "/en/search/?lat=4.61&lon=-74.08&radius_km=500",
    "/es/buscar/?region=CO&free=on",
    "/es/buscar/?language=en",
    "/es/buscar/?q=zzzzqqq&region=CO",  # nothing found: the country's hotlines instead
    "/es/regiones/CO/",
    "/es/pais/CO/",
    "/es/lineas-de-ayuda/CO/",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_directory(django_db_blocker):
        yield


pytestmark = pytest.mark.django_db


def _unsealed(html: bytes) -> bytes:
    """The page with its sealed links (in every language's address) blanked: each rendering
    seals them afresh (a new IV and time), so two renderings of the same results differ only
    there."""
    return re.sub(rb"/[a-z]+/[A-Za-z0-9_-]{80,}/", b"/TOKEN/", html)


def _pages(client) -> tuple[dict[str, bytes], list[str]]:
    pages, sql = {}, []
    for url in SEARCHES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages[url] = _unsealed(response.content)
        sql += [query["sql"] for query in queries]
    return pages, sql


def _three_ways(client, monkeypatch) -> tuple[dict, dict, dict, list[str]]:
    stored, sql = _pages(client)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services_servicedocument SET card = NULL")
    drawn, _sql = _pages(client)
    monkeypatch.setattr(results, "_load_hit_services", lambda ids, page: load_services(ids))
    loaded, _sql = _pages(client)
    monkeypatch.undo()
    documents.rebuild(Service.objects.values_list("id", flat=True))
    return stored, drawn, loaded, sql


def test_result_cards_are_those_of_fully_loaded_services(demo, client, monkeypatch):
    """Stored cards, stitched (services/search/documents.py), give the pages the cards drawn
    from the page's loads give, and those the fully loaded services give."""
    for _attempt in range(2):
        minute = timezone.now().replace(second=0, microsecond=0)
        stored, drawn, loaded, sql = _three_ways(client, monkeypatch)
        if timezone.now().replace(second=0, microsecond=0) == minute:
            break  # "open now" was read within one minute by all three
    shown = 0
    for url in SEARCHES:
        assert stored[url] == drawn[url], url
        assert drawn[url] == loaded[url], url
        shown += stored[url].count(b'class="card"')
    assert shown > 40
    # The stored pages loaded no model a card shows: the cards were stitched.
    for table in (
        "services_phone",
        "services_language",
        "services_servicearea",
        "services_attribute",
    ):
        assert not [query for query in sql if query.startswith(f'SELECT "{table}".')], table


def test_a_page_of_results_costs_the_same_queries_at_any_size(demo):
    ids = list(Service.objects.published().order_by("id").values_list("id", flat=True))
    counts = []
    for size in (5, 60):
        with CaptureQueriesContext(connection) as queries:
            hits = build_hits([(pk, None) for pk in ids[:size]], None, "page")
            views.hit_views(hits, "es")
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


def test_a_page_of_stored_cards_is_one_query_at_any_size(demo):
    ids = list(Service.objects.published().order_by("id").values_list("id", flat=True))
    for size in (5, 60):
        with CaptureQueriesContext(connection) as queries:
            cards = documents.page_cards([(pk, None) for pk in ids[:size]], lang="es")
        assert len(queries) == 1, size
        assert len(cards) == size
        assert all(isinstance(card, documents.StoredCard) for card in cards)


@pytest.mark.parametrize("load", ["api", "page"])
def test_hits_never_load_a_locations_exact_point(demo, load):
    from services.models import Location

    ids = list(
        Location.objects.filter(is_confidential=True)
        .values_list("service_at_locations__service_id", flat=True)
        .distinct()
    )
    assert ids
    with CaptureQueriesContext(connection) as queries:
        hits = build_hits([(pk, None) for pk in ids], None, load)
    assert hits
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"services_location"."public_point"' in sql
    # Only whether it is empty is asked (to spare a query per unplaced location), never its value.
    assert sql.count('"services_location"."point"') == sql.count(
        '"services_location"."point" IS NULL'
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_filters_are_drawn_as_djangos_own_widgets_draw_them(demo, lang):
    from django import forms
    from django.http import QueryDict
    from django.utils import translation

    from services.public.forms import SearchForm

    with translation.override(lang):
        for query in ("", "taxonomy_term_id=legal&region=CO&free=true&language=en&radius_km=25"):
            form = SearchForm(QueryDict(query))
            assert len(form["taxonomy_term_id"].field.choices) > 3
            for field in form.select_fields:
                django_select = forms.Select(choices=field.field.choices)
                assert str(field) == field.as_widget(widget=django_select), field.name
            for field in form.flag_fields:
                django_box = forms.CheckboxInput(attrs={"value": "true"})
                assert str(field) == field.as_widget(widget=django_box), field.name
            assert ("checked" in str(form["free"])) == bool(query)


def test_the_filters_choices_cost_no_query_once_cached(demo):
    from django.http import QueryDict

    from services.public.forms import SearchForm

    first = SearchForm(QueryDict("region=CO"))
    with CaptureQueriesContext(connection) as queries:
        again = SearchForm(QueryDict("region=CO"))
    assert len(queries) == 0
    assert again["region"].field.choices == first["region"].field.choices
    assert again["taxonomy_term_id"].field.choices == first["taxonomy_term_id"].field.choices


def _same_fields(model, fast, orm, skip=()) -> None:
    for field in model._meta.concrete_fields:
        if field.name in skip:
            # Deferred, as defer() does; only a known empty point may be set (to None).
            value = fast.__dict__.get(field.attname, "deferred")
            assert value == "deferred" or getattr(orm, field.attname) is value is None, field.name
            continue
        assert getattr(fast, field.attname) == getattr(orm, field.attname), field.name
    assert fast._state.adding is False and fast._state.db == orm._state.db


def test_hit_instances_are_those_the_orm_loads(demo):
    """search_results builds the hits' model instances from its own SQL, without
    Model.__init__: every column must come out as the ORM gives it (converters included), the
    translated names must read as the ORM's do, and a column left out must still load on use."""
    from django.utils import translation

    from services.models import Location, Region, Schedule, Service
    from services.search.results import SEARCH_ONLY_COLUMNS, _load_hit_services

    ids = list(Service.objects.published().order_by("id").values_list("id", flat=True)[:60])
    fast = _load_hit_services(ids, page=False)
    orm = Service.objects.select_related("organization", "program").in_bulk(ids)
    assert set(fast) == set(orm)
    locations = Location.objects.in_bulk()
    regions = Region.objects.in_bulk()
    placed = 0
    for pk, service in fast.items():
        _same_fields(Service, service, orm[pk], SEARCH_ONLY_COLUMNS)
        _same_fields(type(service.organization), service.organization, orm[pk].organization)
        if orm[pk].program is None:
            assert service.program is None
        else:
            _same_fields(type(service.program), service.program, orm[pk].program)
        for lang in ("es", "en"):
            with translation.override(lang):
                assert service.name == orm[pk].name and service.description == orm[pk].description
        sals = list(service.service_at_locations.all())
        assert {sal.id for sal in sals} == set(
            orm[pk].service_at_locations.values_list("id", flat=True)
        )
        for sal in sals:
            location = sal.location
            _same_fields(Location, location, locations[location.id], ("point",))
            placed += location.public_point is not None
            if location.region_id:
                _same_fields(Region, location.region, regions[location.region_id], ("area",))
        schedules = {s.id for s in service.schedules.all()}
        assert schedules == set(Schedule.objects.filter(service_id=pk).values_list("id", flat=True))
    assert placed > 20
    service = next(iter(fast.values()))
    # A column left out loads on first use, like any deferred one.
    assert service.search_vector == Service.objects.get(pk=service.pk).search_vector
