"""Anonymous reports from the public service page: no account, no personal data, no cookie, no
address kept; a simple question instead of a captcha; bad input answered clearly in the
visitor's language with nothing changed; flooding throttled."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from audit.models import AuditEvent
from services.models import Suggestion
from services.public.reports import QUESTIONS
from tests.listings_tests.conftest import url

ADDRESS = "203.0.113.77"


def form_of(page: str) -> dict[str, str]:
    token = re.search(r'name="t" value="([^"]+)"', page).group(1)
    label = re.search(r'<label for="id_answer">([^<]+)</label>', page).group(1)
    return {"t": token, "question": label}


def answer_to(question: str) -> str:
    from django.utils import translation

    for lang in ("es", "en"):
        with translation.override(lang):
            for text, answers in QUESTIONS:
                if str(text) == question.replace("&#x27;", "'"):
                    return sorted(answers)[0]
    raise AssertionError(question)


def fresh_form(client: Client, service, lang: str = "es") -> dict[str, str]:
    response = client.get(url("services:service", lang=lang, pk=service.pk))
    assert "Set-Cookie" not in response.headers and not response.cookies
    return form_of(response.content.decode())


def report(client, service, lang="es", **overrides):
    form = fresh_form(client, service, lang)
    data = {"kind": "closed", "answer": answer_to(form["question"]), "t": form["t"]}
    data.update(overrides)
    return client.post(url("services:report", lang=lang, pk=service.pk), data, REMOTE_ADDR=ADDRESS)


def test_a_visitor_reports_a_closed_place_without_a_cookie_or_a_trace(shelter):
    client = Client()
    response = report(client, shelter)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies and not client.cookies
    assert "Gracias" in response.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.kind == "closed" and suggestion.source == "public"
    assert suggestion.suggested_by is None
    event = AuditEvent.objects.get(action="services.problem_reported")
    assert event.actor_id is None
    stored = str(
        [(f.name, getattr(suggestion, f.attname)) for f in Suggestion._meta.concrete_fields]
    ) + str(event.details)
    assert ADDRESS not in stored
    # Not in Redis either: the throttle keys hold a keyed hash of the address and the hour.
    raw = cache._cache.get_client()
    for key in raw.keys("*"):
        assert ADDRESS.encode() not in key and ADDRESS.encode() not in (raw.get(key) or b"")


def test_the_report_form_asks_for_nothing_personal(shelter):
    page = Client().get(url("services:service", pk=shelter.pk)).content.decode()
    form = page.split('id="report"', 1)[1].split("</form>", 1)[0]
    names = set(re.findall(r'name="([^"]+)"', form))
    assert names == {"kind", "phone", "answer", "t"}
    assert "csrfmiddlewaretoken" not in page and "email" not in form.lower()


def test_a_dead_number_report_names_which_number(shelter):
    phone = shelter.phones.get(service=shelter)
    response = report(Client(), shelter, kind="phone_not_working", phone=str(phone.pk))
    assert response.status_code == 200
    assert Suggestion.objects.get().phone == phone


@pytest.mark.parametrize(
    "overrides,lang,message",
    [
        ({"kind": ""}, "es", "Elige qué está mal."),
        ({"kind": "bomb"}, "es", "Elige qué está mal"),  # Django's choice error, translated
        ({"answer": "12345"}, "es", "Esa no es la respuesta"),
        ({"answer": "12345"}, "en", "That is not the answer"),
        ({"answer": ""}, "en", "Answer the question"),
        ({"t": "forged"}, "es", "Este formulario es demasiado antiguo"),
        ({"kind": "phone_not_working", "phone": ""}, "es", "Elige el número que no funciona."),
        ({"kind": "phone_not_working", "phone": "999"}, "en", "Select a valid choice"),
    ],
)
def test_bad_reports_get_a_clear_answer_and_change_nothing(shelter, overrides, lang, message):
    client = Client()
    response = report(client, shelter, lang=lang, **overrides)
    assert response.status_code == 400
    body = response.content.decode()
    if message == "Elige qué está mal":
        # Django's choice error, in our catalogue's "tú" Spanish.
        message = "Elige una opción válida. bomb no es una de las opciones."
    assert message in body
    assert "Set-Cookie" not in response.headers
    assert not Suggestion.objects.exists()
    assert not AuditEvent.objects.filter(action="services.problem_reported").exists()


def test_a_token_for_another_listing_or_used_twice_is_refused(shelter, make_service):
    other = make_service("Otro Lugar", at=(7.9, -72.5))
    client = Client()
    form = fresh_form(client, other)
    data = {"kind": "closed", "answer": answer_to(form["question"]), "t": form["t"]}
    assert client.post(url("services:report", pk=shelter.pk), data).status_code == 400
    assert client.post(url("services:report", pk=other.pk), data).status_code == 200
    again = client.post(url("services:report", pk=other.pk), data)
    assert again.status_code == 400 and "ya se envió" in again.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_post_from_another_site_is_refused(shelter):
    client = Client()
    form = fresh_form(client, shelter)
    data = {"kind": "closed", "answer": answer_to(form["question"]), "t": form["t"]}
    response = client.post(
        url("services:report", pk=shelter.pk), data, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403 and not Suggestion.objects.exists()
    same = client.post(url("services:report", pk=shelter.pk), data, HTTP_ORIGIN="http://testserver")
    assert same.status_code == 200


def test_a_get_is_not_a_report(shelter):
    assert Client().get(url("services:report", pk=shelter.pk)).status_code == 405


def test_flooding_from_one_address_is_throttled(shelter, settings):
    settings.REPORTS_PER_ADDRESS_PER_HOUR = 3
    client = Client()
    statuses = [report(client, shelter).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert "Demasiados avisos" in report(client, shelter).content.decode()
    # A repeated report of the same problem is queued once.
    assert Suggestion.objects.count() == 1


def test_flooding_from_many_addresses_meets_the_global_limit(shelter, settings):
    settings.REPORTS_PER_HOUR = 4
    client = Client()
    statuses = []
    for i in range(6):
        form = fresh_form(client, shelter)
        data = {"kind": "closed", "answer": answer_to(form["question"]), "t": form["t"]}
        statuses.append(
            client.post(
                url("services:report", pk=shelter.pk), data, REMOTE_ADDR=f"198.51.100.{i}"
            ).status_code
        )
    assert statuses == [200, 200, 200, 200, 429, 429]
