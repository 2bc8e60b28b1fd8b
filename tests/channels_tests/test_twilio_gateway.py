"""The Twilio endpoints as a gateway sees them: signatures, replays, throttling, paging, bad
input and a Redis outage. Every request is signed with RequestValidator's algorithm."""

import pytest
from django.core.cache import cache

from channels import memory, segments
from tests.channels_tests.conftest import CO_SENDER, TOKEN, message_of, new_sid

pytestmark = pytest.mark.django_db


def test_a_wrong_signature_is_refused_and_answers_nothing(sms, world):
    response = sms.send("albergue Cúcuta", signature="bm90LWEtc2lnbmF0dXJl")
    assert response.status_code == 403
    assert b"Albergue" not in response.content


def test_a_missing_signature_is_refused(client, world):
    response = client.post("/channels/twilio/sms/", {"Body": "albergue Cúcuta", "From": CO_SENDER})
    assert response.status_code == 403


def test_a_signature_for_another_url_is_refused(sms, world):
    response = sms.send("albergue Cúcuta", url="http://testserver/channels/twilio/whatsapp/")
    assert response.status_code == 403


def test_without_a_token_the_endpoints_do_not_exist(sms, settings, world):
    settings.TWILIO_AUTH_TOKEN = ""
    for path in ("/channels/twilio/sms/", "/channels/twilio/whatsapp/"):
        sms.path = path
        assert sms.send("albergue Cúcuta", signature="x").status_code == 404


def test_get_is_not_allowed(client, world):
    assert client.get("/channels/twilio/sms/").status_code == 405


def test_behind_the_tls_proxy_the_public_https_url_is_what_twilio_signed(sms, settings, world):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["enlace.example.org", "testserver"]
    public = "https://enlace.example.org/channels/twilio/sms/"
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "enlace.example.org"}
    assert message_of(sms.send("albergue Cúcuta", url=public, headers=proxied))
    # Signed for the inner http URL instead: refused, as it would be from Twilio.
    assert sms.send("albergue Cúcuta", headers=proxied).status_code == 403


def test_without_the_proxy_setting_forwarded_headers_are_ignored(sms, settings, world):
    settings.SECURE_PROXY_SSL_HEADER = None
    public = "https://enlace.example.org/channels/twilio/sms/"
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "enlace.example.org"}
    assert sms.send("albergue Cúcuta", url=public, headers=proxied).status_code == 403


def test_a_message_sid_seen_twice_is_answered_once(sms, world):
    sid = new_sid()
    assert "Albergue" in message_of(sms.send("albergue Cúcuta", sid=sid))
    assert message_of(sms.send("albergue Cúcuta", sid=sid)) == ""
    assert "Albergue" in message_of(sms.send("albergue Cúcuta"))


def test_whatsapp_answers_the_same_way(whatsapp, world):
    text = message_of(whatsapp.send("albergue Cúcuta"))
    assert "1) Albergue Cucuta 1" in text


def test_more_pages_through_the_rest_and_then_says_there_is_nothing_more(sms, world):
    first = message_of(sms.send("albergue Cúcuta"))
    assert "3) Albergue Cucuta 3" in first and "MAS" in first
    second = message_of(sms.send("MAS"))
    assert "4) Albergue Cucuta 4" in second and "5) Albergue Cucuta 5" in second
    assert "MAS:" not in second
    third = message_of(sms.send("mas"))
    assert "No hay más resultados" in third or "No hay mas resultados" in third


def test_more_from_another_phone_shows_nothing_of_the_first_phones_search(sms, world):
    message_of(sms.send("albergue Cúcuta"))
    other = message_of(sms.send("MAS", sender="+573009990000"))
    assert "Albergue" not in other


def test_a_phone_over_the_limit_gets_one_notice_then_silence(sms, settings, world):
    settings.CHANNEL_MESSAGES_PER_WINDOW = 3
    for _ in range(3):
        assert message_of(sms.send("ayuda"))
    notice = message_of(sms.send("ayuda"))
    assert "Demasiados mensajes" in notice and "123" in notice
    assert message_of(sms.send("albergue Cúcuta")) == ""
    # Another phone is not held back by the first one's count.
    assert message_of(sms.send("ayuda", sender="+573001112233"))


def test_throttling_keys_expire_within_thirty_minutes(sms, world):
    message_of(sms.send("albergue Cúcuta"))
    client = memory.client()
    keys = list(client.scan_iter(match=memory.PREFIX + "*"))
    assert keys
    assert all(0 < client.ttl(key) <= 30 * 60 for key in keys)


@pytest.mark.parametrize(
    "body",
    ["", "   ", "🙂🙏🏽", "xyzzy plugh", "a" * 1600, "albergue " * 200, "¿?¡!"],
)
def test_bad_input_gets_a_short_answer_never_an_error(sms, world, body):
    text = message_of(sms.send(body))
    assert text
    assert segments.count(text).segments <= 3


def test_unknown_words_say_nothing_was_found_and_how_to_ask(sms, world):
    text = message_of(sms.send("xyzzy plugh"))
    assert "No encontramos nada" in text
    assert "01 8000 522020" in text


def test_a_long_body_is_read_by_its_first_words(sms, world):
    text = message_of(sms.send("albergue Cúcuta " + "x" * 1580))
    assert "1) Albergue Cucuta 1" in text


def test_with_redis_down_the_answer_is_still_given_without_paging(sms, settings, world):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    cache.close()
    memory._client.cache_clear()
    try:
        first = message_of(sms.send("peligro albergue Cúcuta"))
        assert "123" in first.splitlines()[0]
        assert "Albergue Cucuta 1" in first
        assert message_of(sms.send("MAS"))  # nothing kept to page: a plain notice, not an error
    finally:
        memory._client.cache_clear()


def test_a_request_signed_with_another_token_is_refused(sms, settings, world):
    settings.TWILIO_AUTH_TOKEN = TOKEN + "-rotated"
    assert sms.send("albergue Cúcuta", signature=None).status_code == 200  # signed with new
    from twilio.request_validator import RequestValidator

    old = RequestValidator(TOKEN).compute_signature(
        "http://testserver/channels/twilio/sms/", {"Body": "x"}
    )
    assert sms.send("x", signature=old).status_code == 403
