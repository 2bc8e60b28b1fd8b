"""Reading a message: commands, emergency words, the language of the words, need and place."""

import pytest

from channels.reading import EMPTY, HELP, MORE, SEARCH, language_of, read_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("albergue Cúcuta", "es"),
        ("shelter Houston please", "en"),
        ("preciso de um advogado em Manaus", "pt"),
        ("j'ai besoin d'un avocat", "fr"),
        ("mwen bezwen yon kay", "ht"),
        ("🙂", "es"),
    ],
)
def test_the_answer_speaks_the_language_of_the_words(base, body, language):
    assert read_message(body).language == language


def test_a_tie_goes_to_the_senders_country_and_no_word_to_spanish():
    assert language_of(["danger"], "FR") == "fr"
    assert language_of(["danger"], "US") == "en"
    assert language_of(["xyzzy"], "CO") == "es"
    assert language_of(["xyzzy"], "BR") == "pt"


@pytest.mark.parametrize(
    ("body", "kind"),
    [("MAS", MORE), ("more", MORE), ("ÈD", HELP), ("Ajuda!", HELP), ("", EMPTY), ("🙂", EMPTY)],
)
def test_commands(base, body, kind):
    assert read_message(body).kind == kind


def test_an_emergency_word_is_noticed_and_the_rest_still_searched(base):
    reading = read_message("¡PELIGRO! albergue en Cúcuta por favor", country="CO")
    assert reading.emergency and reading.kind == SEARCH
    assert (reading.need, reading.place) == ("housing", "cucuta")


def test_a_place_of_several_words_is_read_whole(base):
    reading = read_message("abogado San José de Cúcuta", country="CO")
    assert reading.need == "legal"
    assert reading.place == "san jose de cucuta"
