import pytest

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
