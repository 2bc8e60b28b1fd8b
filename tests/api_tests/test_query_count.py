"""A page costs the same number of queries whatever its size (no query per listing)."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import models as m
from services.search.index import refresh_services
from tests.hsds_tests.directory import CUCUTA


@pytest.fixture
def many(directory):
    ids = []
    for n in range(24):
        org = m.Organization.objects.create(name=f"Org {n}", description="x")
        service = m.Service.objects.create(
            organization=org, name_es=f"Servicio {n}", name=f"Servicio {n}",
            last_verified_at=dt.datetime.now(dt.UTC),
        )  # fmt: skip
        location = m.Location.objects.create(
            organization=org, name_es=f"Sede {n}", region=directory.cucuta,
            point=Point(CUCUTA[1] + n / 1000, CUCUTA[0], srid=4326), is_confidential=n % 3 == 0,
        )  # fmt: skip
        sal = m.ServiceAtLocation.objects.create(service=service, location=location)
        m.Address.objects.create(location=location, address_1="Calle", city="C",
                                 state_province="S", country="CO")  # fmt: skip
        m.Phone.objects.create(location=location, number="+57 1", is_intake=True)
        phone = m.Phone.objects.create(service_at_location=sal, number="+57 2")
        m.Language.objects.create(phone=phone, code="es")
        m.Phone.objects.create(service=service, number="+57 3")
        m.Contact.objects.create(location=location, name="x")
        contact = m.Contact.objects.create(service=service, name="y")
        m.Phone.objects.create(contact=contact, number="+57 4")
        m.Schedule.objects.create(service=service, freq="WEEKLY", byday="MO",
                                  opens_at=dt.time(8), closes_at=dt.time(9))  # fmt: skip
        m.Attribute.objects.create(link_id=service.id, link_entity="service",
                                   taxonomy_term=directory.legal_term)  # fmt: skip
        ids.append(service.id)
    refresh_services(ids)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/services?per_page={n}",
        "/api/v1/services?full=true&per_page={n}",
        "/api/v1/service_at_locations?full=true&per_page={n}",
        "/api/v1/organizations?full=true&full_service=true&per_page={n}",
    ],
)
def test_queries_do_not_grow_with_the_page(api, many, url):
    counts = []
    for size in (3, 12):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url.format(n=size))
        assert response.status_code == 200
        assert len(response.json()["contents"]) >= size
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
