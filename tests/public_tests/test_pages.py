"""The public pages, read with the plain test client (no JavaScript)."""

import pytest
from django.urls import reverse

from services.models import MergedRecord, Service

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params, follow=True)
    return response, response.content.decode()


def test_home_asks_one_question_with_big_need_buttons_and_countries(client, directory):
    response, html = get(client, "/es/")
    assert response.status_code == 200
    assert 'name="q"' in html and 'name="place"' in html
    for code, label in [("housing", "Albergue"), ("legal", "Ayuda legal"), ("hotline", "Líneas")]:
        assert f'name="taxonomy_term_id" value="{code}"' in html
        assert label in html
    assert 'href="/es/pais/CO/"' in html


def test_choosing_a_country_shows_its_national_hotlines_and_narrows_the_search(client, directory):
    _response, html = get(client, reverse("services:country", args=["CO"]))
    assert "Línea Nacional Demo contra la Trata" in html
    assert 'href="tel:018000555012"' in html
    assert '<input type="hidden" name="country" value="CO">' in html
    # Local services are not national hotlines.
    assert "Clínica Jurídica Demo" not in html.split('id="hotlines-title"')[1]


def test_an_unknown_country_is_not_found(client, directory):
    assert client.get("/es/pais/ZZ/").status_code == 404


def test_results_list_what_a_person_needs_to_decide_and_to_call(client, directory):
    _response, html = get(client, "/es/buscar/", q="abogado", place="Cúcuta")
    assert "Clínica Jurídica Demo Migrantes" in html
    assert "Gratis" in html
    assert 'href="tel:+576075550142"' in html
    assert 'href="sms:+576075550142"' in html
    assert 'href="https://wa.me/576075550142"' in html
    assert "km" in html


def test_a_spanish_typo_still_finds_the_shelter(client, directory):
    _response, html = get(client, "/es/buscar/", q="albege")
    assert "Casa Refugio Demo Frontera" in html


def test_a_filter_keeps_only_matching_services_and_stays_chosen(client, directory):
    _response, html = get(client, "/es/buscar/", place="Cúcuta", no_id="true")
    assert "Casa Refugio Demo Frontera" in html
    assert "Clínica Jurídica Demo Migrantes" not in html
    assert 'name="no_id" value="true"' in html and "checked" in html


def test_an_empty_search_explains_and_suggests_a_way_forward(client, directory):
    response, html = get(client, "/es/buscar/", q="zzqqxxww", place="Cúcuta", free="true")
    assert response.status_code == 200
    assert "Ningún servicio coincide con esta búsqueda." in html
    assert "Quitar todos los filtros" in html
    assert "Buscar sin lugar" in html
    # A national hotline is always a way forward.
    assert "Línea Nacional Demo contra la Trata" in html


def test_a_bad_parameter_is_explained_not_a_crash(client, directory):
    response, html = get(client, "/es/buscar/", lat="95", lon="10")
    assert response.status_code == 400
    assert "No se pudo hacer esta búsqueda" in html


def test_a_place_the_gazetteer_does_not_know_is_explained_not_a_crash(client, directory):
    response, html = get(client, "/es/buscar/", q="albergue", place="Xqzzyville")
    assert response.status_code == 400
    assert "No encontramos este lugar." in html
    # The words stay in the form to correct the place, not lost with the error.
    assert 'value="albergue"' in html


def test_a_hand_made_position_is_rounded_to_about_a_kilometre(client, directory):
    _response, html = get(client, "/es/buscar/", lat="7.893912", lon="-72.507812")
    assert 'name="lat" value="7.89"' in html
    assert 'name="lon" value="-72.51"' in html
    assert "7.8939" not in html and "72.5078" not in html


def test_the_service_page_shows_every_public_field(client, directory):
    clinic = directory.clinic
    _response, html = get(client, reverse("services:service", args=[clinic.pk]))
    for text in [
        "Clínica Jurídica Demo Migrantes",
        clinic.organization.name,
        "Abogados gratuitos para personas migrantes.",
        "Personas migrantes y refugiadas.",
        "Llegue sin cita de lunes a viernes.",
        "Cualquier documento",
        "Francés: llame antes",
        "09:00–17:00",
        "Hora local (Bogota).",
        "Avenida 0 # 11-80",
        "Gratis",
    ]:
        assert text in html, text
    assert "lunes" in html.lower()


def test_hours_are_shown_in_the_visitors_language(client, directory):
    url = reverse("services:service", args=[directory.clinic.pk]).replace("/es/", "/en/", 1)
    response = client.get(url.replace("/servicio/", "/service/"))
    assert "Monday to Friday: 09:00–17:00" in response.content.decode()


def test_text_in_another_language_is_labelled_for_readers_and_screen_readers(client, directory):
    _response, html = get(client, reverse("services:service", args=[directory.english_only.pk]))
    assert '<h1 lang="en">Demo Workers&#x27; Rights Centre</h1>' in html
    assert "(Solo disponible en inglés)" in html
    assert '<div lang="en"><p>Help with unpaid wages.</p></div>' in html


def test_a_merged_listing_sends_old_links_to_the_surviving_one(client, directory):
    old = "00000000-0000-4000-8000-000000000001"
    MergedRecord.objects.create(old_id=old, record_type="service", new_id=directory.clinic.pk)
    response = client.get(reverse("services:service", args=[old]))
    assert response.status_code == 301
    assert response["Location"] == reverse("services:service", args=[directory.clinic.pk])


def test_an_inactive_listing_is_not_found(client, directory):
    Service.objects.filter(pk=directory.clinic.pk).update(status="inactive")
    assert client.get(reverse("services:service", args=[directory.clinic.pk])).status_code == 404


def test_browsing_goes_country_then_region_then_town_then_services(client, directory):
    _r, html = get(client, reverse("services:regions"))
    assert 'href="/es/regiones/CO/"' in html
    _r, html = get(client, reverse("services:region", args=["CO"]))
    assert 'href="/es/regiones/CO-NSA/"' in html
    _r, html = get(client, reverse("services:region", args=["CO-NSA"]))
    assert 'href="/es/regiones/CO-NSA-3685533/"' in html
    _r, html = get(client, reverse("services:region", args=["CO-NSA-3685533"]))
    assert "Clínica Jurídica Demo Migrantes" in html


def test_the_hotlines_page_lists_national_lines_per_country(client, directory):
    _r, html = get(client, reverse("services:hotlines"))
    assert 'href="/es/lineas-de-ayuda/CO/"' in html
    _r, html = get(client, reverse("services:country_hotlines", args=["CO"]))
    assert "Línea Nacional Demo contra la Trata" in html
    assert "Clínica Jurídica Demo Migrantes" not in html


def test_the_privacy_page_says_what_is_kept_in_plain_words(client, directory):
    _r, html = get(client, reverse("services:privacy"))
    assert "Nada. No te preguntamos quién eres" in html
    assert "salida rápida" in html.lower()


def test_every_page_has_the_quick_exit_first_and_a_skip_link(client, directory):
    for url in directory.public_urls():
        html = client.get(url).content.decode()
        body = html.split("<body>", 1)[1]
        assert body.lstrip().startswith('<a id="quick-exit"'), url
        assert 'href="#main"' in body, url


def test_pages_are_compressed_for_slow_connections(client, directory):
    response = client.get("/es/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
