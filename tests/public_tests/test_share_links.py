"""Share a listing: links that open the phone's own SMS or WhatsApp app with a prefilled text
made from the listing alone; nothing about the visitor reaches the links."""

import re
from html import unescape
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse

from services import phones
from tests.public_tests.conftest import SHELTER_SECRET_PHONE, SHELTER_STREET


def _share_links(html: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="((?:sms:\?|https://wa\.me/\?)[^"]*)"', html)
    ]


def test_the_listing_page_offers_sms_and_whatsapp_with_name_phone_hours_and_link(client, directory):
    url = reverse("services:service", args=[directory.clinic.pk])
    links = _share_links(client.get(url).content.decode())
    assert len(links) == 2
    sms, whatsapp = links
    assert sms.startswith("sms:?&body=") and whatsapp.startswith("https://wa.me/?text=")
    text = unquote(sms.split("body=", 1)[1])
    assert text == unquote(whatsapp.split("text=", 1)[1])
    assert directory.clinic.name_es in text
    assert phones.display("+576075550142") in text
    assert settings.SITE_URL + url in text


def test_share_links_carry_no_visitor_data(client, directory):
    url = reverse("services:service", args=[directory.clinic.pk])
    plain = _share_links(client.get(url).content.decode())
    visitor = _share_links(
        client.get(
            url + "?q=trata&place=Cucuta&lat=7.89&lon=-72.50",
            HTTP_X_FORWARDED_FOR="203.0.113.77",
            HTTP_USER_AGENT="VisitorPhone/1.0",
            HTTP_REFERER="https://example.org/es/resultados/SECRETTOKEN/",
            HTTP_COOKIE="sessionid=abc123",
        ).content.decode()
    )
    assert visitor == plain
    for link in visitor:
        text = unquote(link)
        for leaked in (
            "trata",
            "Cucuta",
            "7.89",
            "203.0.113",
            "VisitorPhone",
            "SECRETTOKEN",
            "abc123",
        ):
            assert leaked not in text


def test_a_confidential_listing_shares_only_its_intake_line(client, directory):
    url = reverse("services:service", args=[directory.shelter.pk])
    for link in _share_links(client.get(url).content.decode()):
        text = unquote(link)
        assert SHELTER_STREET not in text
        assert phones.display(SHELTER_SECRET_PHONE) not in text
        assert re.sub(r"\D", "", SHELTER_SECRET_PHONE) not in re.sub(r"\D", "", text)
