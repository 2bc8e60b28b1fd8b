"""A visitor on a phone finds help in Spanish: typo, filter, a listing, the other language."""

import re

import pytest

pytestmark = pytest.mark.browser
SEALED = re.compile(r"^/es/resultados/[A-Za-z0-9_-]{40,}/$")


def search_from_home(visit, text: str, place: str):
    page = visit.goto("/es/")
    page.get_by_label("¿Qué ayuda buscas?").fill(text)
    page.get_by_label("¿Dónde?").fill(place)
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_load_state()
    return page


def result_cards(page):
    return page.locator("ol.results > li.card")


def test_a_spanish_search_with_a_typo_finds_shelters_near_the_place(visit):
    page = search_from_home(visit, "albege", "Cucuta")
    assert SEALED.match(visit.path())
    assert result_cards(page).count() > 0
    heading = page.locator("#results-title").inner_text()
    assert "Cúcuta" in heading
    first = result_cards(page).first.inner_text().casefold()
    assert "albergue" in first or "refugio" in first or "casa" in first
    visit.screenshot("results")


def test_search_terms_never_enter_an_address_and_the_post_carried_them(visit):
    page = visit.goto("/es/")
    before = page.evaluate("history.length")
    posted = []
    page.on("request", lambda r: posted.append(r.post_data) if r.method == "POST" else None)
    search_from_home(visit, "albergue", "Cucuta")
    assert SEALED.match(visit.path())
    assert posted and "albergue" in posted[0]
    assert not [url for url in visit.requests if "albergue" in url or "Cucuta" in url]
    # One new history entry (the sealed results), and it carries no terms.
    assert visit.page.evaluate("history.length") == before + 1
    assert visit.page.evaluate("location.search") == ""
    visit.page.go_back()
    assert visit.path() == "/es/"


def found(page) -> int:
    return int(page.locator("#results-title").inner_text().split()[0])


def test_a_filter_narrows_the_results_to_services_without_id(visit):
    page = search_from_home(visit, "", "Cucuta")
    before = found(page)
    page.locator("details.filters summary").click()
    label = "Sin documento de identidad"
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Aplicar filtros").click()
    page.wait_for_load_state()
    cards = result_cards(page)
    assert 0 < found(page) < before
    for index in range(cards.count()):
        assert label in cards.nth(index).locator(".badges").inner_text()
    assert page.get_by_label(label, exact=True).is_checked()
    visit.screenshot("results-filtered")


def test_opening_a_result_shows_the_whole_listing(visit):
    page = search_from_home(visit, "abogado", "Cucuta")
    first = result_cards(page).first.locator("h3 a")
    name = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert re.fullmatch(r"/es/servicio/[0-9a-f-]{36}/", visit.path())
    assert page.locator("h1").inner_text() == name
    for section in ("Quién puede usarlo", "Cómo recibir ayuda", "Documentos que debes llevar"):
        assert page.get_by_role("heading", name=section).count() == 1
    assert page.get_by_role("button", name="Imprimir esta página").is_visible()
    visit.screenshot("service")
    page.emulate_media(media="print")
    visit.screenshot("service-print")
    assert not page.locator("#quick-exit").is_visible()


def test_the_language_switch_keeps_the_visitor_on_the_same_listing(visit):
    page = search_from_home(visit, "abogado", "Cucuta")
    result_cards(page).first.locator("h3 a").click()
    page.wait_for_load_state()
    service_id = visit.path().rstrip("/").rsplit("/", 1)[-1]
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert visit.path() == f"/en/service/{service_id}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Who can use it").count() == 1
    visit.screenshot("service-en")


def test_results_work_with_javascript_off(browser, site):
    from tests.browser_tests.conftest import new_visit

    visit = new_visit(browser, site, java_script_enabled=False)
    try:
        page = search_from_home(visit, "albergue", "Cucuta")
        # Without the script the form still posts and the address is sealed: no terms in it.
        assert SEALED.match(visit.path()) and "albergue" not in page.url
        assert result_cards(page).count() > 0
        assert page.locator("#quick-exit").get_attribute("href").startswith("https://")
        assert not page.get_by_role("button", name="Cerca de mí").is_visible()
        visit.screenshot("results-no-js")
    finally:
        visit.context.close()


def test_near_me_sends_a_position_rounded_to_about_a_kilometre(browser, site):
    from tests.browser_tests.conftest import new_visit

    visit = new_visit(
        browser,
        site,
        geolocation={"latitude": 7.893912, "longitude": -72.507812},
        permissions=["geolocation"],
    )
    try:
        page = visit.goto("/es/")
        sent = []
        page.on("request", lambda r: sent.append(r.post_data) if r.method == "POST" else None)
        page.get_by_role("button", name="Cerca de mí").click()
        page.wait_for_url(re.compile(r".*/es/resultados/.*"))
        assert len(sent) == 1
        assert "lat=7.89&" in sent[0] and "lon=-72.51" in sent[0]
        assert "7.8939" not in sent[0] and "72.5078" not in sent[0]
        assert SEALED.match(visit.path())
        assert not [url for url in visit.requests if "7.89" in url or "lat=" in url]
        assert "cerca de tu posición aproximada" in page.locator("#results-title").inner_text()
        assert page.evaluate("sessionStorage.length + localStorage.length") == 0
        assert not visit.context.cookies()
    finally:
        visit.context.close()


def test_near_me_asks_for_the_position_only_when_tapped(browser, site):
    from tests.browser_tests.conftest import new_visit

    visit = new_visit(browser, site)
    try:
        # Counts every request for the position from before the page's own script runs.
        visit.page.add_init_script(
            """window.__asked = 0;
            navigator.geolocation.getCurrentPosition = () => { window.__asked += 1; };
            navigator.geolocation.watchPosition = () => { window.__asked += 1; };"""
        )
        page = visit.goto("/es/")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__asked") == 0
        page.get_by_role("button", name="Cerca de mí").click()
        assert page.evaluate("window.__asked") == 1
    finally:
        visit.context.close()
