"""`lang` or Accept-Language picks the content language; each text says which language it is in."""

import pytest


def test_accept_language_picks_the_language(api, directory):
    english = api.get(f"/api/v1/services/{directory.shelter.pk}", HTTP_ACCEPT_LANGUAGE="en-GB")

    body = english.json()
    assert body["name"] == "Emergency shelter"
    assert body["text_language"]["name"] == "en"
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]


def test_lang_wins_over_accept_language(api, directory):
    body = api.get(
        f"/api/v1/services/{directory.shelter.pk}", {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()

    assert body["name"] == "Albergue de emergencia"
    assert body["text_language"]["name"] == "es"


def test_a_missing_translation_falls_back_and_says_so(api, directory):
    body = api.get(f"/api/v1/services/{directory.legal.pk}", {"lang": "en"}).json()

    assert body["name"] == "Asesoría legal migratoria"
    assert body["text_language"] == {"name": "es", "description": "es"}


def test_a_text_written_in_english_is_labelled_english_for_a_spanish_reader(api, directory):
    body = api.get(f"/api/v1/services/{directory.hotline.pk}", HTTP_ACCEPT_LANGUAGE="es").json()

    assert body["name"] == "Trafficking hotline"
    assert body["text_language"]["name"] == "en"


@pytest.mark.parametrize("lang", ["pt", "fr", "ht"])
def test_the_other_content_languages_are_accepted(api, directory, lang):
    response = api.get("/api/v1/services", {"lang": lang})

    assert response.status_code == 200
    assert response["Content-Language"] == lang


def test_nested_texts_are_labelled_too(api, directory):
    body = api.get(f"/api/v1/services/{directory.shelter.pk}", {"lang": "en"}).json()

    intake = body["service_at_locations"][0]["location"]["phones"][0]
    assert intake["description"] == "Intake line, 24 hours"
    assert intake["text_language"] == {"description": "en"}
    term = body["attributes"][0]["taxonomy_term"]
    assert (term["name"], term["text_language"]["name"]) == ("Emergency shelter", "en")


def test_without_any_preference_spanish_is_served(api, directory):
    response = api.get(f"/api/v1/services/{directory.shelter.pk}")

    assert response["Content-Language"] == "es"
    assert response.json()["name"] == "Albergue de emergencia"
