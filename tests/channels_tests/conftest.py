"""The text-message channel's world: a small real directory (regions from the offline gazetteer,
the taxonomy, listings in Cúcuta and Houston, national hotlines) and gateways that sign their
requests the way Twilio and RapidPro do, with the development secrets of .env."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from twilio.request_validator import RequestValidator

from services import models as m
from tests.services_tests.conftest import base, directory_base, make_service, town  # noqa: F401, F811

CUCUTA = (7.8939, -72.5078)
HOUSTON = (29.7604, -95.3698)
# A Colombian and a United States mobile number: only their calling codes matter.
CO_SENDER = "+573004417001"
US_SENDER = "+17135550100"
TOKEN = "test-twilio-token-0123456789abcdef"
SECRET = "test-rapidpro-secret-0123456789abcdef"

_sids = itertools.count(1)


@pytest.fixture(autouse=True)
def gateway_secrets(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.RAPIDPRO_WEBHOOK_SECRET = SECRET
    return settings


def new_sid() -> str:
    return f"SM{next(_sids):032x}"


@dataclass
class Gateway:
    """Posts what Twilio would post to one of our endpoints, signed with RequestValidator's
    algorithm for the exact URL."""

    client: Client
    path: str = "/channels/twilio/sms/"
    base: str = "http://testserver"

    def send(
        self,
        body: str,
        *,
        sender: str = CO_SENDER,
        sid: str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        url: str | None = None,
    ) -> Any:
        prefix = "whatsapp:" if "whatsapp" in self.path else ""
        form = {
            "MessageSid": sid or new_sid(),
            "SmsMessageSid": sid or "",
            "AccountSid": "AC" + "0" * 32,
            "From": prefix + sender,
            "To": prefix + "+15005550006",
            "Body": body,
            "NumMedia": "0",
        }
        signed_url = url or self.base + self.path
        if signature is None:
            signature = RequestValidator(settings.TWILIO_AUTH_TOKEN or TOKEN).compute_signature(
                signed_url, form
            )
        extra = {"HTTP_X_TWILIO_SIGNATURE": signature}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        return self.client.post(self.path, form, **extra)


def message_of(response: Any) -> str:
    """The text of the TwiML <Message>, or "" for an empty <Response/>."""
    from xml.etree import ElementTree

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text or "" if messages else ""


@pytest.fixture
def sms(client) -> Gateway:
    return Gateway(client)


@pytest.fixture
def whatsapp(client) -> Gateway:
    return Gateway(client, path="/channels/twilio/whatsapp/")


def rapidpro_post(client: Client, payload: dict, *, secret: str = SECRET) -> Any:
    return client.post(
        "/channels/rapidpro/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_X_ENLACE_SECRET=secret,
    )


def rapidpro_payload(text: str, urn: str = "tel:" + CO_SENDER, uuid: str = "") -> dict:
    """RapidPro's default "Call webhook" body, as a flow sends it."""
    return {
        "contact": {"uuid": "c1a2b3c4-0000-4000-8000-000000000001", "name": "", "urn": urn},
        "flow": {"uuid": "f1a2b3c4-0000-4000-8000-000000000001", "name": "Enlace"},
        "path": [],
        "results": {},
        "run": {"uuid": "r1a2b3c4-0000-4000-8000-000000000001", "created_on": ""},
        "input": {
            "uuid": uuid or f"0000{next(_sids):04d}-0000-4000-8000-000000000001",
            "type": "msg",
            "text": text,
            "attachments": [],
            "urn": urn,
        },
        "channel": {"uuid": "ch000000-0000-4000-8000-000000000001", "name": "SMS"},
    }


@dataclass
class World:
    cucuta: list[m.Service]
    houston: list[m.Service]
    co_hotline: m.Service
    us_hotline: m.Service


def _hotline(
    make_service: Any,  # noqa: F811 - the fixture passed on
    country: str,
    name: str,
    number: str,
) -> m.Service:
    region = m.Region.objects.get(code=country)
    service = make_service(
        name,
        virtual=True,
        area=region,
        terms=("hotline",),
        open_24_7=True,
        is_free=True,
        trafficking_specialised=True,
        refresh=False,
    )
    m.Phone.objects.create(service=service, number=number)
    from services.search.index import refresh_services

    refresh_services([service.id])
    return service


@pytest.fixture
def world(make_service: Any) -> World:  # noqa: F811 - the imported fixture
    cucuta_town = town("Cúcuta", "CO")
    cucuta = [
        make_service(
            f"Albergue Cúcuta {n}",
            at=(CUCUTA[0] + n * 0.01, CUCUTA[1]),
            region=cucuta_town,
            terms=("emergency-shelter",),
            open_24_7=n == 1,
            is_free=n != 2,
        )
        for n in range(1, 6)
    ]
    houston_town = town("Houston", "US")
    houston = [
        make_service(
            f"Houston Shelter {n}",
            name_en=f"Houston Shelter {n}",
            at=(HOUSTON[0] + n * 0.01, HOUSTON[1]),
            region=houston_town,
            terms=("emergency-shelter",),
            languages=("en", "es"),
            time_zone="America/Chicago",
        )
        for n in range(1, 3)
    ]
    houston.append(
        make_service(
            "Abogados Houston",
            name_en="Houston Legal Aid",
            at=(HOUSTON[0] + 0.02, HOUSTON[1] + 0.02),
            region=houston_town,
            terms=("legal",),
            is_free=True,
            time_zone="America/Chicago",
        )
    )
    m.PostalCode.objects.create(
        country_code="US",
        code="77002",
        name="Houston",
        centre=Point(HOUSTON[1], HOUSTON[0], srid=4326),
        region=houston_town,
    )
    return World(
        cucuta=cucuta,
        houston=houston,
        co_hotline=_hotline(make_service, "CO", "Línea Nacional Contra la Trata", "01 8000 522020"),
        us_hotline=_hotline(
            make_service, "US", "National Human Trafficking Hotline", "1-888-373-7888"
        ),
    )
