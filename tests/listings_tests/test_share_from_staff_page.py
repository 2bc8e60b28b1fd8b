"""A caseworker sends a listing to a client's phone from the staff listing page: the same links
as the public page, made from what the public sees, with nothing about the caseworker."""

import re
from html import unescape
from urllib.parse import unquote

from django.test import Client

from services.models import Location, Phone, ServiceAtLocation
from tests.listings_tests.conftest import url


def _share_links(html: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="((?:sms:\?|https://wa\.me/\?)[^"]*)"', html)
    ]


def test_the_staff_listing_page_shares_what_the_public_page_shares(shelter, bob, signed_in):
    # A confidential place of the listing, with a line the public must not get.
    hidden = Location.objects.create(
        organization=shelter.organization, name="Casa", is_confidential=True
    )
    ServiceAtLocation.objects.create(service=shelter, location=hidden)
    Phone.objects.create(location=hidden, number="+573104445566")
    staff = _share_links(
        signed_in(bob).get(url("listings:listing", pk=shelter.pk)).content.decode()
    )
    public = _share_links(Client().get(url("services:service", pk=shelter.pk)).content.decode())
    assert len(staff) == 2
    assert staff == public
    text = unquote(staff[0])
    assert "Albergue Puente" in text and "+57 300 1112222" in text
    assert "3104445566" not in re.sub(r"\D", "", text)
    assert "bob" not in text
