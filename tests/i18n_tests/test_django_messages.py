"""Django's own messages on our pages speak our words: Spanish with "tú", Brazilian (not European)
Portuguese, and Haitian Creole, which Django has no catalogue for."""

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.i18n_tests.test_catalogues import catalogue_path
from tests.languages import interface_languages

pytestmark = pytest.mark.django_db


def reset_page(language: str) -> str:
    with translation.override(language):
        return reverse("accounts:password_reset")


def ours(language: str, msgid: str) -> str:
    [entry] = [e for e in polib.pofile(str(catalogue_path(language))) if e.msgid == msgid]
    return entry.msgstr


@pytest.mark.parametrize(
    "language,expected",
    [
        ("es", "Escribe un correo electrónico válido."),
        ("pt", "Digite um e-mail válido."),
    ],
)
def test_a_django_form_error_is_in_our_words(language, expected):
    page = Client().post(reset_page(language), {"email": "not-an-address"})
    assert expected in page.content.decode()


@pytest.mark.parametrize("language", interface_languages(["fr", "ht"], need="catalogued"))
def test_a_django_form_error_comes_from_our_catalogue_in_every_other_language(language):
    page = Client().post(reset_page(language), {"email": ""}).content.decode()
    assert ours(language, "This field is required.") in page
    assert "This field is required." not in page


def test_the_sign_in_error_names_the_username_in_portuguese():
    with translation.override("pt"):
        url = reverse("accounts:login")
    page = Client().post(url, {"username": "nobody", "password": "wrong"}).content.decode()
    assert "Digite corretamente seu nome de usuário e sua senha." in page
