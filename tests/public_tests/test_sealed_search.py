"""The public search forgets the words: the form posts, the answer is a sealed address that holds
no word and no place, paging and "ways out" are sealed too, an old address expires, and a place
with several readings is a question."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pytest
from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.test import Client, override_settings

from services import models as m
from services.public import tokens
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
SEALED = re.compile(r"^/es/resultados/([A-Za-z0-9_-]{40,})/$")


def sealed_path(response) -> str:
    assert response.status_code == 303, response.status_code
    location = response["Location"]
    assert SEALED.match(location), location
    return location


def test_the_search_form_posts_and_gets_a_sealed_address_without_its_words(directory):
    client = Client()
    response = client.post("/es/buscar/", {"q": "albergue", "place": "Cúcuta", "lat": ""})
    location = sealed_path(response)
    for word in ("albergue", "cucuta", "cúcuta", "q=", "place="):
        assert word not in unquote(location).casefold()
    assert "no-store" in response["Cache-Control"]
    page = client.get(location)
    assert page.status_code == 200
    html = page.content.decode()
    assert "cerca de Cúcuta" in html
    # The words are in the page (kept nowhere, never cached), so they can be corrected.
    assert 'value="albergue"' in html and "no-store" in page["Cache-Control"]


def test_an_address_with_words_is_sealed_before_anything_is_shown(directory):
    response = Client().get("/es/buscar/", {"q": "abogado", "place": "Cúcuta"})
    sealed_path(response)
    assert b"abogado" not in response.content


def test_a_shared_link_without_words_or_place_stays_readable(directory):
    response = Client().get("/es/buscar/", {"region": "CO", "taxonomy_term_id": "legal"})
    assert response.status_code == 200
    assert "Clínica Jurídica Demo" in response.content.decode()


def test_a_post_from_another_site_is_refused(directory):
    response = Client().post("/es/buscar/", {"q": "albergue"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "Location" not in response


def test_an_expired_search_says_so_with_an_empty_form(directory):
    old = tokens.seal(
        QueryDict("q=albergue&place=C%C3%BAcuta"), now=int(time.time()) - tokens.TOKEN_TTL - 5
    )
    response = Client().get(f"/es/resultados/{old}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "Esta búsqueda ya caducó. Busca otra vez." in html
    assert 'value="albergue"' not in html and "Cúcuta" not in html
    assert 'name="q" id="id_q" value=""' in html


def test_an_altered_address_is_not_a_search(directory):
    token = tokens.seal(QueryDict("q=albergue"))
    altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    response = Client().get(f"/es/resultados/{altered}/")
    assert response.status_code == 404
    assert "Esta dirección de búsqueda no es válida." in response.content.decode()
    assert Client().get("/es/resultados/not-a-token/").status_code == 404


def test_the_token_holds_no_word_in_clear_and_opens_after_a_key_rotation():
    query = QueryDict("q=albergue+seguro&place=C%C3%BAcuta")
    token = tokens.seal(query)
    assert "albergue" not in token and "ucuta" not in token
    assert tokens.unseal(token) == query
    with (
        override_settings(SECRET_KEY="a-new-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(tokens.TokenInvalid),
    ):
        tokens.unseal(token)
    from django.conf import settings

    with override_settings(
        SECRET_KEY="a-new-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
    ):
        assert tokens.unseal(token) == query


def test_every_link_a_results_page_makes_is_sealed(directory):
    client = Client()
    location = sealed_path(
        client.post("/es/buscar/", {"q": "zzqqxxww", "place": "Cúcuta", "free": "true"})
    )
    html = client.get(location).content.decode()
    assert "Quitar todos los filtros" in html
    links = re.findall(r'href="([^"]+)"', html)
    searches = [link for link in links if link.startswith(("/es/buscar/", "/es/resultados/"))]
    assert searches
    for link in searches:
        assert "?" not in link, link
        if link.startswith("/es/resultados/"):
            opened = tokens.unseal(SEALED.match(link).group(1))
            assert opened.get("q") is None or opened.get("q") == "zzqqxxww"


def test_a_place_with_two_readings_asks_which_one(directory):
    costa_rica = RegionFactory(
        code="CR", level=m.Region.Level.COUNTRY, name="Costa Rica", name_es="Costa Rica",
        country_code="CR",
        centre=Point(-84.08, 9.93, srid=4326), search_names=["costa rica"],
    )  # fmt: skip
    RegionFactory(
        code="CR-SJ-3621849", level=m.Region.Level.MUNICIPALITY, parent=costa_rica,
        name="San José", name_es="San José", centre=Point(-84.08, 9.93, srid=4326),
        country_code="CR",
        population=335000, search_names=["san jose"],
    )  # fmt: skip
    RegionFactory(
        code="CO-NSA-9999999", level=m.Region.Level.MUNICIPALITY, parent=directory.department,
        name="San José", name_es="San José", centre=Point(-72.6, 8.1, srid=4326),
        population=120000, search_names=["san jose"],
    )  # fmt: skip
    client = Client()
    html = client.get(sealed_path(client.post("/es/buscar/", {"place": "San José"}))).content
    html = html.decode()
    assert "¿Cuál San José?" in html
    which = html.split('id="which-title"')[1].split("</section>")[0]
    choices = re.findall(r'<a href="(/es/resultados/[^"]+)"[^>]*>([^<]+)</a>', which)
    assert len(choices) == 2 and "Costa Rica" in choices[0][1]
    # Each choice searches exactly that reading.
    chosen = client.get(choices[1][0]).content.decode()
    assert "¿Cuál San José?" not in chosen
    assert "cerca de San José, Norte de Santander" in chosen
    # The form shows the place's name, never its code.
    assert 'value="San José, Norte de Santander"' in chosen and "=CO-NSA" not in chosen


def test_a_place_we_cannot_find_offers_the_country_and_the_position(directory):
    client = Client()
    location = sealed_path(
        client.post("/es/buscar/", {"q": "albergue", "place": "Xqzzyville", "country": "CO"})
    )
    response = client.get(location)
    html = response.content.decode()
    assert response.status_code == 400
    assert "No encontramos este lugar." in html
    assert "Buscar en todo el país (Colombia)" in html
    assert "Usar mi posición aproximada" in html
    country = re.search(r'<a href="(/es/resultados/[^"]+)">Buscar en todo el país', html).group(1)
    opened = tokens.unseal(SEALED.match(country).group(1))
    assert opened["region"] == "CO" and "place" not in opened and opened["q"] == "albergue"
