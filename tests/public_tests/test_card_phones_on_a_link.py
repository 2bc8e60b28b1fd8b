"""A result card shows the lines of the place it shows, whether HSDS hangs them off the place or
off the service's link to it; at a confidential shelter, only the intake line, either way."""

import pytest
from django.test import Client
from django.utils import timezone

from services import models as m
from services import phones
from services.search.index import refresh_services
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

OFFICE_LINE = "+57 607 555 0101"
SHELTER_INTAKE = "+57 607 555 0202"
SHELTER_DIRECT = "+57 607 555 0303"


def _listing(*, confidential: bool) -> m.Service:
    organization = OrganizationFactory(name="Fundación Tarjeta", is_verified_partner=True)
    place = LocationFactory(organization=organization, is_confidential=confidential)
    service = ServiceFactory(organization=organization, name_es="Orientación Tarjeta")
    service.last_verified_at = timezone.now()
    service.save()
    link = m.ServiceAtLocation.objects.create(service=service, location=place)
    if confidential:
        m.Phone.objects.create(service_at_location=link, number=SHELTER_INTAKE, is_intake=True)
        m.Phone.objects.create(service_at_location=link, number=SHELTER_DIRECT)
    else:
        m.Phone.objects.create(service_at_location=link, number=OFFICE_LINE)
    refresh_services([service.pk])
    return service


def _card() -> str:
    response = Client().get("/es/buscar/?q=tarjeta", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="card"') == 1
    return text


def test_a_card_shows_a_line_hung_off_the_link_to_its_place():
    _listing(confidential=False)
    # A search with no country: numbers in the international format.
    assert phones.display(OFFICE_LINE) == "+57 607 5550101"
    assert phones.display(OFFICE_LINE) in _card()


def test_a_card_shows_only_the_intake_line_hung_off_the_link_to_a_shelter():
    _listing(confidential=True)
    text = _card()
    assert phones.display(SHELTER_INTAKE) in text
    for shown in (
        SHELTER_DIRECT,
        phones.display(SHELTER_DIRECT),
        phones.display(SHELTER_DIRECT, "CO"),
    ):
        assert shown not in text
    assert "6075550303" not in text
