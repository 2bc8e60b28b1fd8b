"""A confidential shelter's page and listings give its area and intake line, never its street,
postcode, exact position or other phones."""

import re

import pytest
from django.urls import reverse

from services import phones
from tests.public_tests.conftest import (
    SHELTER_INTAKE_PHONE,
    SHELTER_POINT,
    SHELTER_POSTCODE,
    SHELTER_SECRET_PHONE,
    SHELTER_STREET,
)

pytestmark = pytest.mark.django_db

EXACT = [f"{SHELTER_POINT.y:.4f}", f"{SHELTER_POINT.x:.4f}"]


def assert_nothing_secret(html: str) -> None:
    assert SHELTER_STREET not in html
    assert "Calle 17" not in html
    assert SHELTER_POSTCODE not in html
    assert SHELTER_SECRET_PHONE not in html
    assert re.sub(r"\D", "", SHELTER_SECRET_PHONE) not in html
    # As pages show numbers: national on a Colombian page, international elsewhere.
    assert phones.display(SHELTER_SECRET_PHONE, "CO") not in html
    assert phones.display(SHELTER_SECRET_PHONE) not in html
    assert re.sub(r"\D", "", SHELTER_SECRET_PHONE)[2:] not in re.sub(r"\D", "", html)
    for number in EXACT:
        assert number not in html


def test_the_shelter_page_shows_its_area_and_intake_line_only(client, directory):
    html = client.get(reverse("services:service", args=[directory.shelter.pk])).content.decode()
    assert_nothing_secret(html)
    assert "Dirección confidencial" in html
    assert "Cúcuta" in html
    assert 'href="tel:+576075550100"' in html
    assert phones.display(SHELTER_INTAKE_PHONE, "CO") in html
    # No map link at all: the only position we could give is the coarse public one.
    assert "geo:" not in html
    assert "openstreetmap" not in html


@pytest.mark.parametrize("lang", ["es", "en"])
def test_listings_and_browse_pages_keep_the_shelter_secret(client, directory, lang):
    urls = [u for u in directory.public_urls() if u.startswith(f"/{lang}/")]
    for url in urls:
        assert_nothing_secret(client.get(url).content.decode())


def test_an_ordinary_location_shows_its_street_and_a_map_link(client, directory):
    html = client.get(reverse("services:service", args=[directory.clinic.pk])).content.decode()
    assert "Avenida 0 # 11-80" in html
    assert 'href="https://www.openstreetmap.org/search?query=Avenida%200%20%23%2011-80' in html
    assert 'rel="noreferrer noopener"' in html


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_secret_line_of_the_service_at_its_shelter_stays_off_the_result_cards(
    client, directory, lang
):
    """HSDS lets a phone name both the service and its location. A result card loads a
    service's phones as plain lists (no queryset per service): a line at the confidential
    location must be taken out of those lists as from prefetched ones, not left in with its
    number emptied."""
    from services import models as m
    from services.search.index import refresh_services

    m.Phone.objects.filter(number=SHELTER_SECRET_PHONE).update(service=directory.shelter)
    refresh_services([directory.shelter.pk])
    for url in directory.public_urls():
        if url.startswith(f"/{lang}/"):
            html = client.get(url, follow=True).content.decode()
            assert_nothing_secret(html)
            # Not even as an emptied row: a "call" button with no number.
            assert 'href="tel:"' not in html, url
