"""The text channel's canary: a unique body and a unique sender go in through signed Twilio and
RapidPro requests (a search, a text-only search, MAS, help, an emergency, a replay, throttling);
then every log record captured at DEBUG, the audit table, every row of every table, every Redis
key and value (cache and broker, where task arguments would wait) and the answers are searched
for them, plain and encoded (canaries.py). Once through Django's test client, once through a real
gunicorn logging at DEBUG (its access and error log read too)."""

from __future__ import annotations

import logging

import pytest
import requests
from twilio.request_validator import RequestValidator

from audit.models import AuditEvent
from tests.channels_tests.conftest import (  # noqa: F401 - fixtures
    SECRET,
    TOKEN,
    Gateway,
    base,
    directory_base,
    gateway_secrets,
    make_service,
    rapidpro_payload,
    rapidpro_post,
    world,
)
from tests.privacy_tests import canaries as c
from tests.privacy_tests import sensitivity
from tests.privacy_tests.live import gunicorn  # noqa: F401 - fixture
from tests.privacy_tests.test_canary_everywhere import database_rows, redis_dump

pytestmark = pytest.mark.django_db

SENDER = "+573004419876"
WORD = "zafirocanario7731"
BODIES = (
    f"albergue Cúcuta {WORD}",
    f"{WORD} ayuda",
    f"{WORD}",
    f"peligro {WORD}",
)


def _canaries() -> c.Canaries:
    found = c.Canaries()
    found.add_text("body word", sensitivity.CLIENT, WORD)
    for body in BODIES:
        found.add_text(f"body {body!r}", sensitivity.CLIENT, body)
    digits = SENDER.lstrip("+")
    found.items.append(
        c.Canary(
            "sender",
            sensitivity.CLIENT,
            c.text_forms(SENDER) | c.text_forms(digits) | {digits[2:], "whatsapp:" + SENDER},
        )
    )
    return found


def test_no_body_or_number_is_kept_anywhere(client, world, caplog, settings):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    settings.CHANNEL_MESSAGES_PER_WINDOW = 8
    sms = Gateway(client)
    whatsapp = Gateway(client, path="/channels/twilio/whatsapp/")
    answers = []
    for body in BODIES:
        answers.append(sms.send(body, sender=SENDER))
    answers.append(sms.send("MAS", sender=SENDER))
    answers.append(whatsapp.send(BODIES[0], sender=SENDER, sid="SMfixedreplay"))
    answers.append(whatsapp.send(BODIES[0], sender=SENDER, sid="SMfixedreplay"))
    for body in BODIES:
        answers.append(rapidpro_post(client, rapidpro_payload(body, urn="tel:" + SENDER)))
    # Over the limit (8): the notice, then silence.
    answers += [sms.send(BODIES[0], sender=SENDER) for _ in range(2)]
    assert all(a.status_code == 200 for a in answers)

    assert leaks_everywhere(answers, caplog) == {}


def leaks_everywhere(answers, caplog, extra_logs: tuple[str, ...] = ()) -> dict[str, list[str]]:
    canaries = _canaries()
    leaks: dict[str, list[str]] = {}

    def look(where: str, text: str) -> None:
        found = canaries.found_in(text, classes=(sensitivity.CLIENT,))
        if found:
            leaks[where] = found

    for record in caplog.records:
        look(f"log {record.name}", record.getMessage() + " " + repr(record.args))
    for n, text in enumerate(extra_logs):
        look(f"process log {n}", text)
    for event in AuditEvent.objects.all():
        look(f"audit {event.pk}", repr(event.__dict__))
    for key, _class, value in database_rows():
        look(f"db {key}", value)
    for where, text in redis_dump():
        look(where, text)
    for answer in answers:
        look("answer headers", repr(dict(answer.headers)))
        # The answer is the listings, not the words sent.
        look("answer body", answer.content.decode())
    return leaks


@pytest.fixture
def gateway_env(monkeypatch):
    """The live server's secrets (it reads the environment, not this process's settings)."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("RAPIDPRO_WEBHOOK_SECRET", SECRET)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_body_or_number_reaches_a_live_servers_logs(gateway_env, world, gunicorn, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    server, root = gunicorn
    answers = []
    for n, body in enumerate((*BODIES, "MAS")):
        for path in ("/channels/twilio/sms/", "/channels/twilio/whatsapp/"):
            form = {
                "MessageSid": f"SMlive{n}{path[-5]}",
                "From": ("whatsapp:" if "whatsapp" in path else "") + SENDER,
                "Body": body,
            }
            signature = RequestValidator(TOKEN).compute_signature(root + path, form)
            answers.append(
                requests.post(
                    root + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30
                )
            )
    answers.append(
        requests.post(
            root + "/channels/rapidpro/",
            json=rapidpro_payload(BODIES[0], urn="tel:" + SENDER),
            headers={"X-Enlace-Secret": SECRET},
            timeout=30,
        )
    )
    assert [a.status_code for a in answers] == [200] * len(answers)
    assert "Albergue Cucuta 1" in answers[0].text
    server.stop()
    assert leaks_everywhere(answers, caplog, (server.text(),)) == {}
