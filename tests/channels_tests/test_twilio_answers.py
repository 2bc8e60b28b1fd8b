"""Signed Twilio messages through the real stack (PostgreSQL with the gazetteer, Redis): what a
person who texts "albergue Cúcuta", "shelter Houston" or "abogado 77002" reads back."""

import pytest

from channels import segments
from tests.channels_tests.conftest import CO_SENDER, US_SENDER, message_of

pytestmark = pytest.mark.django_db


def test_a_need_and_a_town_answer_the_three_nearest_listings_with_their_phones(sms, world):
    text = message_of(sms.send("albergue Cúcuta"))
    assert text.splitlines()[0].endswith("Cucuta, Norte de Santander:")
    lines = [line for line in text.splitlines() if line[:2] in ("1)", "2)", "3)")]
    assert [line.split(" - ")[0] for line in lines] == [
        "1) Albergue Cucuta 1",
        "2) Albergue Cucuta 2",
        "3) Albergue Cucuta 3",
    ]
    assert "24h" in lines[0] and "gratis" in lines[0]
    assert "gratis" not in lines[1]
    assert all("+57 601 555" in line and " km" in line for line in lines)
    assert "MAS" in text
    assert "01 8000 522020" in text  # the country's national hotline, from the directory
    counted = segments.count(text)
    assert counted.encoding == segments.GSM7
    assert counted.segments <= 3


def test_english_words_answer_in_english_with_the_english_names(sms, world):
    text = message_of(sms.send("shelter Houston", sender=US_SENDER))
    assert text.splitlines()[0] == "Housing, Houston, Texas:"
    assert "Houston Shelter 1" in text
    assert "MORE" not in text  # two shelters only: nothing more to page to
    assert "1-888-373-7888" in text
    assert segments.count(text).segments <= 3


def test_a_us_zip_code_is_a_place(sms, world):
    text = message_of(sms.send("abogado 77002", sender=CO_SENDER))
    assert "Abogados Houston" in text
    assert "77002" in text.splitlines()[0]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("AYUDA", "Escribe"),
        ("HELP", "Write what you need"),
        ("AJUDA", "Escreva"),
        ("AIDE", "Écrivez"),
        ("ÈD", "Ekri"),
    ],
)
def test_help_explains_in_the_language_of_the_word(sms, world, word, expected):
    text = message_of(sms.send(word))
    assert segments.cheapest(expected).casefold() in text.casefold()
    assert segments.count(text).segments <= 3


@pytest.mark.parametrize(
    ("body", "language_hint"),
    [
        ("peligro", "123"),
        ("emergencia albergue Cúcuta", "123"),
        ("danger", "123"),
        ("perigo", "123"),
        ("urgence", "123"),
        ("danje", "123"),
    ],
)
def test_an_emergency_word_answers_first_with_the_emergency_number_and_the_hotline(
    sms, world, body, language_hint
):
    text = message_of(sms.send(body))
    first_two = text.splitlines()[:2]
    assert language_hint in first_two[0]
    assert "01 8000 522020" in first_two[1]
    assert segments.count(text).segments <= 3


def test_an_emergency_in_the_united_states_names_911_and_its_hotline(sms, world):
    text = message_of(sms.send("danger", sender=US_SENDER))
    assert "911" in text.splitlines()[0]
    assert "1-888-373-7888" in text.splitlines()[1]


def test_an_emergency_where_we_list_no_hotline_says_so_plainly(sms, world):
    text = message_of(sms.send("peligro", sender="+56912345678"))
    assert "133" in text.splitlines()[0]  # Chile's Carabineros
    assert "no" in text.splitlines()[1].casefold()


def test_long_names_are_shortened_so_three_listings_still_fit_three_segments(
    sms, world, make_service
):
    long_name = "Fundación para la Atención Integral de Personas Sobrevivientes " * 3
    for n, service in enumerate(world.cucuta[:3], start=1):
        service.name_es = f"{long_name} {n}"
        service.save()
    from services.search.index import refresh_services

    refresh_services([s.id for s in world.cucuta[:3]])
    text = message_of(sms.send("albergue Cúcuta"))
    counted = segments.count(text)
    assert counted.segments <= 3 and counted.encoding == segments.GSM7
    assert [line[:2] for line in text.splitlines() if line[1:2] == ")"] == ["1)", "2)", "3)"]
    assert "..." in text
    assert "01 8000 522020" in text


def test_a_name_no_gsm_letter_can_spell_is_sent_in_ucs2_within_three_segments(sms, world):
    service = world.cucuta[0]
    service.name_es = "Albergue 🏠 Casa Esperanza — Dom Nadiyi"
    service.save()
    from services.search.index import refresh_services

    refresh_services([service.id])
    text = message_of(sms.send("albergue Cúcuta"))
    counted = segments.count(text)
    assert counted.encoding == segments.UCS2
    assert counted.segments <= 3
    assert "1) Albergue 🏠" in text


def test_words_beside_a_place_search_its_listings_and_fall_back_to_all_of_them(
    sms, world, make_service
):
    from tests.channels_tests.conftest import CUCUTA

    make_service(
        "Comedor Solidario Cúcuta",
        description_es="comida caliente cada día",
        at=(CUCUTA[0] + 0.05, CUCUTA[1]),
        region=world.cucuta[0].service_at_locations.first().location.region,
        terms=("food",),
    )
    food = message_of(sms.send("comida Cúcuta"))
    assert "1) Comedor Solidario Cucuta" in food
    anything = message_of(sms.send("xyzzy Cúcuta"))
    assert "1) Albergue Cucuta 1" in anything


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("advogado Houston", "Houston, Texas:"),
        ("avocat Houston", "Houston, Texas:"),
        ("avoka Houston", "Houston, Texas:"),
    ],
)
def test_need_words_of_portuguese_french_and_creole_find_the_same_listings(sms, world, body, title):
    text = message_of(sms.send(body, sender=US_SENDER))
    assert text.splitlines()[0].endswith(title)
    assert "Houston Legal Aid" in text or "Abogados Houston" in text
