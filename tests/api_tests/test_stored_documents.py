"""The API list reads each hit's stored public document (services/search/documents.py) instead of
loading and serialising models: the response (body, ETag, Last-Modified) must be the one the
ServiceSerializer gives from the models, for every content language and kind of search."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import models as m
from services.api import serializers as s
from services.search.index import refresh_services
from tests.public_tests.demo import demo_directory


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_directory(django_db_blocker):
        yield


pytestmark = pytest.mark.django_db

SEARCHES = [
    {"per_page": 50},
    {"search": "albergue", "per_page": 40},
    {"search": "legal", "lat": 4.61, "lon": -74.08, "radius_km": 2000, "per_page": 30},
    {"lat": 40.7, "lon": -74.0, "radius_km": 2000, "per_page": 50},
    {"search": "salud", "page": 2, "per_page": 10},
    {"open_now": "true", "per_page": 50},
]


def _give_programmes() -> None:
    # The demo runs no programme; a few listings get one for the test, through the refresh
    # every real change of a listing takes.
    touched = []
    for service in m.Service.objects.published().order_by("id")[:5]:
        program = m.Program.objects.create(
            organization_id=service.organization_id,
            name_es="Programa de acogida",
            name_en="Shelter programme",
            description_es="Acogida y acompañamiento.",
        )
        m.Service.objects.filter(id=service.id).update(program=program)
        touched.append(service.id)
    refresh_services(touched)


def _serializer_items(services, *, lang, distances):
    return s.ServiceSerializer(
        services,
        many=True,
        context={"lang": lang, "distances": distances, "confidential_location_ids": set()},
    ).data


def test_the_api_list_from_documents_equals_the_serializers_in_every_language(
    demo, api, monkeypatch
):
    _give_programmes()
    assert m.ServiceDocument.objects.filter(lang="es").count() == (
        m.Service.objects.filter(status="active").count()
    )
    stored = {}
    for lang, _name in settings.CONTENT_LANGUAGES:
        for params in SEARCHES:
            with CaptureQueriesContext(connection) as queries:
                response = api.get("/api/v1/services", {**params, "lang": lang})
            assert response.status_code == 200, response.content
            sql = " ".join(q["sql"] for q in queries.captured_queries)
            # Read from documents: no schedule, organisation or service model was loaded.
            assert "services_servicedocument" in sql
            assert "FROM services_schedule" not in sql
            stored[lang, str(params)] = response
    # The same requests with no document at all: every item built by the DRF serializer.
    m.ServiceDocument.objects.all().delete()
    monkeypatch.setattr(s, "service_list_items", _serializer_items)
    kinds = set()
    for (lang, params), fast in stored.items():
        slow = api.get("/api/v1/services", {**eval(params), "lang": lang})  # noqa: S307
        assert fast.content == slow.content, (lang, params)
        assert fast["ETag"] == slow["ETag"]
        assert fast["Last-Modified"] == slow["Last-Modified"]
        for item in fast.json()["contents"]:
            kinds |= set(item)
            kinds |= {f"open_now={item.get('open_now')}"}
    assert {"program", "distance_km", "organization", "text_language"} <= kinds
    assert {"open_now=True", "open_now=False"} <= kinds


def test_a_document_saved_behind_the_refresh_is_not_served(demo, api):
    """A service saved without a refresh (its search row's last_modified moved on) is served
    from the models, never from its older document."""
    first = api.get("/api/v1/services", {"per_page": 5, "lang": "es"}).json()["contents"][0]
    service = m.Service.objects.get(id=first["id"])
    service.description_es = "Descripción nueva sin refrescar"
    service.save()
    response = api.get("/api/v1/services", {"per_page": 5, "lang": "es"})
    item = response.json()["contents"][0]
    assert item["id"] == first["id"]
    assert item["description"] == "Descripción nueva sin refrescar"
    assert item["last_modified"] != first["last_modified"]
