"""The API list builds its items without DRF's per-object machinery (serializers.service_list_items)
and loads only what the item shows (search load="api"): the bytes must be those the
ServiceSerializer gives from a fully loaded service, for every listing and content language."""

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from services import models as m
from services.api import serializers as s
from services.search.results import build_hits
from tests.public_tests.demo import demo_directory


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_directory(django_db_blocker):
        yield


pytestmark = pytest.mark.django_db


# Bogotá: every demo listing gets a distance, so distance_km is compared too.
ORIGIN = Point(-74.08, 4.61, srid=4326)


def _rows() -> list[tuple]:
    services = m.Service.objects.published().order_by("id")
    return [
        (service.id, float(n * 1234.5) if n % 4 else None) for n, service in enumerate(services)
    ]


def _give_programmes() -> None:
    # The demo runs no programme; a few listings get one (texts in two languages) for the test.
    for service in m.Service.objects.published().order_by("id")[:5]:
        program = m.Program.objects.create(
            organization_id=service.organization_id,
            name_es="Programa de acogida",
            name_en="Shelter programme",
            description_es="Acogida y acompañamiento.",
        )
        m.Service.objects.filter(id=service.id).update(program=program)


def test_the_fast_list_items_are_the_serializers_bytes_in_every_language(demo):
    _give_programmes()
    rows = _rows()
    assert len(rows) > 300
    fast_hits = build_hits(rows, ORIGIN, "api")
    full_hits = build_hits(rows, ORIGIN, "full")
    distances = {hit.service.id: hit.distance_km for hit in full_hits}
    fallbacks = 0
    for lang, _name in settings.CONTENT_LANGUAGES:
        with translation.override(lang):
            fast = s.service_list_items(
                [hit.service for hit in fast_hits], lang=lang, distances=distances
            )
            slow = s.ServiceSerializer(
                [hit.service for hit in full_hits],
                many=True,
                context={"lang": lang, "distances": distances, "confidential_location_ids": set()},
            ).data
        assert JSONRenderer().render(fast) == JSONRenderer().render(slow), lang
        fallbacks += sum(used != lang for item in fast for used in item["text_language"].values())
    # The comparison reached every kind of value the item can carry.
    keys = {key for item in fast for key in item}
    assert {"program", "open_now", "distance_km", "organization", "text_language"} <= keys
    assert {item.get("open_now") for item in fast} >= {True, False}
    assert fallbacks, "no text fell back to another language"


def test_the_api_list_reads_no_phone_address_or_language_row(demo, api):
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/services", {"search": "albergue", "per_page": 50})
    assert response.status_code == 200
    assert len(response.json()["contents"]) > 5
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("services_phone", "services_address", "services_language"):
        assert f'FROM "{table}"' not in tables, table


def test_the_api_list_response_equals_the_serializers(demo, api, monkeypatch):
    """Through the view: same body and ETag as the serializer path of before this change."""
    url = "/api/v1/services?search=legal&lang=en&per_page=30&lat=4.61&lon=-74.08&radius_km=2000"
    fast = api.get(url)
    assert fast.status_code == 200

    def serializer_items(services, *, lang, distances):
        return s.ServiceSerializer(
            services,
            many=True,
            context={"lang": lang, "distances": distances, "confidential_location_ids": set()},
        ).data

    monkeypatch.setattr(s, "service_list_items", serializer_items)
    slow = api.get(url)
    assert fast.content == slow.content
    assert fast["ETag"] == slow["ETag"]
    assert len(fast.json()["contents"]) > 3
