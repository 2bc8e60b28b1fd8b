"""What keeps a visitor safe: the quick exit, no cookie, no request to anyone else."""

from urllib.parse import urlsplit

import pytest

from tests.browser_tests.conftest import NEUTRAL_HOST

pytestmark = pytest.mark.browser


def first_result_path(visit) -> str:
    page = visit.goto("/es/buscar/?q=albergue&place=Cucuta")
    href = page.locator("ol.results > li.card h3 a").first.get_attribute("href")
    assert href
    return href


def test_the_quick_exit_is_the_first_thing_the_keyboard_reaches(visit):
    page = visit.goto("/es/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "quick-exit"
    box = page.locator("#quick-exit").bounding_box()
    assert box and box["y"] == 0 and box["height"] >= 44
    page.mouse.wheel(0, 2000)
    assert page.locator("#quick-exit").is_visible()


def test_the_quick_exit_replaces_the_page_and_back_does_not_return(visit):
    service = first_result_path(visit)
    page = visit.goto(service)
    page.locator("#quick-exit").click()
    page.wait_for_url(f"https://{NEUTRAL_HOST}/**")
    page.go_back()
    page.wait_for_timeout(500)
    # Back reaches the earlier Enlace page in this tab, which leaves again at once.
    page.wait_for_url(f"https://{NEUTRAL_HOST}/**")
    assert NEUTRAL_HOST in page.url
    assert "Enlace" not in page.content()


def test_pressing_escape_twice_leaves_at_once(visit):
    page = visit.goto("/es/privacidad/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert visit.path() == "/es/privacidad/"
    page.keyboard.press("Escape")
    page.wait_for_url(f"https://{NEUTRAL_HOST}/**")
    page.go_back()
    page.wait_for_timeout(500)
    assert urlsplit(page.url).netloc != urlsplit(visit.base_url).netloc


def test_coming_back_on_purpose_after_a_quick_exit_shows_the_site_again(visit):
    page = visit.goto("/es/")
    page.locator("#quick-exit").click()
    page.wait_for_url(f"https://{NEUTRAL_HOST}/**")
    page = visit.goto("/es/")
    page.wait_for_timeout(300)
    assert visit.path() == "/es/"
    assert page.locator("h1").is_visible()


def test_browsing_sets_no_cookie_stores_nothing_and_only_talks_to_the_site(visit):
    service = first_result_path(visit)
    for path in [
        "/es/",
        "/es/pais/CO/",
        "/es/buscar/?q=abogado&place=Lima",
        service,
        "/en/",
        "/es/regiones/",
        "/es/regiones/CO/",
        "/es/lineas-de-ayuda/CO/",
        "/es/privacidad/",
    ]:
        visit.goto(path)
        visit.page.wait_for_load_state("networkidle")
    assert visit.context.cookies() == []
    assert visit.page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert visit.requests, "the visit made requests"
    assert visit.foreign_requests() == []


def test_the_open_in_maps_link_leaves_only_when_tapped(visit):
    page = visit.goto("/es/buscar/?q=abogado&place=Cucuta")
    links = page.locator("ol.results > li.card h3 a")
    for index in range(links.count()):
        visit.goto(links.nth(index).get_attribute("href"))
        maps = visit.page.get_by_role("link", name="Abrir en OpenStreetMap")
        if maps.count():
            link = maps.first
            assert "noreferrer" in link.get_attribute("rel")
            assert link.get_attribute("href").startswith("https://www.openstreetmap.org/search?")
            visit.page.wait_for_load_state("networkidle")
            assert visit.foreign_requests() == []
            return
        page = visit.goto("/es/buscar/?q=abogado&place=Cucuta")
        links = page.locator("ol.results > li.card h3 a")
    pytest.fail("no listing near Cúcuta has a street address to open in a map")
