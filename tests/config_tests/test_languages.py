import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation

from tests.languages import interface_languages

# The home page reads the directory (countries, needs), so it needs the database.
pytestmark = pytest.mark.django_db


def test_the_bare_root_redirects_to_a_language_prefix_spanish_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_the_spanish_home_page_is_in_spanish(client):
    response = client.get("/es/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Encuentra ayuda cerca de ti" in html


def test_the_english_home_page_is_in_english(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Find help near you" in html


@pytest.mark.parametrize("prefix,other", [("/es/", "/en/"), ("/en/", "/es/")])
def test_every_page_offers_a_switch_to_the_same_page_in_the_other_language(client, prefix, other):
    html = client.get(prefix).content.decode()
    assert f'href="{other}"' in html


def test_the_language_travels_in_the_url_and_no_cookie_is_set(client):
    response = client.get("/en/")
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


OWN_NAMES = {
    "es": "Español",
    "en": "English",
    "pt": "Português",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
}


@pytest.mark.parametrize("language", interface_languages())
def test_each_language_has_its_own_home_page_with_a_switch_to_all_five(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    switch = html[html.index('<nav class="languages"') : html.index("</nav>")]
    for code, name in OWN_NAMES.items():
        if code == language:
            assert f'<span aria-current="true" lang="{code}">{name}</span>' in switch
        else:
            assert f'<a href="/{code}/" hreflang="{code}" lang="{code}">{name}</a>' in switch
    assert not response.cookies


@pytest.mark.parametrize(
    "header,expected",
    [
        ("pt-BR,pt;q=0.9", "/pt/"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"),
        ("de-DE,de;q=0.9,pt;q=0.5", "/pt/"),
        ("en-US", "/en/"),
        ("ru", "/es/"),
    ],
)
def test_accept_language_picks_the_first_supported_language_for_the_bare_root(
    client, header, expected
):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert not response.cookies


@pytest.mark.parametrize("language", interface_languages(["ht"]))
def test_accept_language_in_creole_opens_the_creole_home_page(client, language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ht-HT,ht;q=0.9,fr;q=0.8")
    assert response["Location"] == f"/{language}/"


def test_a_page_with_a_language_in_its_url_ignores_accept_language(client):
    html = client.get("/es/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert '<html lang="es">' in html


def test_haitian_creole_has_language_info_in_its_own_name():
    info = translation.get_language_info("ht")
    assert info["name"] == "Haitian Creole"
    assert info["name_local"] == "Kreyòl ayisyen"
    assert info["bidi"] is False


def test_portuguese_dates_and_numbers_are_brazilian():
    with translation.override("pt"):
        assert formats.date_format(dt.date(2026, 12, 7)) == "7 de dezembro de 2026"
        assert formats.date_format(dt.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1.234,5"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_french_dates_and_numbers_are_french():
    with translation.override("fr"):
        assert formats.date_format(dt.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1\xa0234,5"


@pytest.mark.parametrize("language", interface_languages(["ht"]))
def test_creole_dates_and_numbers_put_the_day_first_with_a_decimal_comma(language):
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1\xa0234,5"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
