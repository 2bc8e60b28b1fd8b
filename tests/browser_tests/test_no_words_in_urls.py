"""A search from the home page leaves no word and no place in any address the browser went to,
with JavaScript on and off: the form posts, the server answers with a sealed address, and paging
and Back work through sealed addresses too."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.browser_tests.conftest import new_visit

pytestmark = pytest.mark.browser

WORDS = "albergue"
PLACE = "Cúcuta"
SEALED = re.compile(r"^/es/resultados/[A-Za-z0-9_-]{40,}/$")


def leaks(url: str) -> list[str]:
    """The typed words or place in `url`, however encoded."""
    plain = unquote(url).casefold()
    return [w for w in (WORDS, PLACE.casefold(), "cucuta", "q=", "place=", "lat=") if w in plain]


@pytest.mark.parametrize("script", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_search_puts_no_words_or_place_in_any_url(browser, site, script: bool) -> None:
    visit = new_visit(browser, site, java_script_enabled=script)
    navigated: list[str] = []
    posted: list[str] = []
    page = visit.page
    page.on("framenavigated", lambda frame: navigated.append(frame.url))
    page.on(
        "request",
        lambda request: posted.append(request.post_data or "") if request.method == "POST" else 0,
    )
    try:
        page.goto(visit.url("/es/"))
        page.get_by_label("¿Qué ayuda buscas?").fill(WORDS)
        page.get_by_label("¿Dónde?").fill(PLACE)
        page.get_by_role("button", name="Buscar", exact=True).click()
        page.wait_for_load_state()
        assert SEALED.match(visit.path()), page.url
        assert "Cúcuta" in page.locator("#results-title").inner_text()
        assert page.locator("ol.results > li.card").count() > 0
        # The words went in the body of one POST, never in an address.
        assert len(posted) == 1 and WORDS in posted[0]
        first_results = page.url
        entry = page.evaluate("performance.getEntriesByType('navigation')[0].name")
        assert not leaks(entry), entry

        # Paging and filters go through sealed addresses as well.
        page.locator("details.filters summary").click()
        page.get_by_label("Sin documento de identidad", exact=True).check()
        page.get_by_role("button", name="Aplicar filtros").click()
        page.wait_for_load_state()
        assert SEALED.match(visit.path()) and page.url != first_results
        assert page.get_by_label("Sin documento de identidad", exact=True).is_checked()
        assert page.get_by_label("¿Qué ayuda buscas?").input_value() == WORDS
        page.go_back()
        page.wait_for_load_state()
        assert page.url == first_results
        assert page.locator("ol.results > li.card").count() > 0

        every_url = [*navigated, *visit.requests]
        assert every_url
        for url in every_url:
            assert not leaks(url), url
        visit.screenshot(f"sealed-results-{'js' if script else 'no-js'}")
    finally:
        visit.context.close()


def test_pages_of_results_are_sealed_and_back_returns_to_the_first(visit) -> None:
    page = visit.goto("/es/")
    page.get_by_label("¿Dónde?").fill("Colombia")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_load_state()
    first = page.url
    next_link = page.get_by_role("link", name="Siguiente →")
    assert next_link.count() == 1
    assert SEALED.match(next_link.get_attribute("href"))
    next_link.click()
    page.wait_for_load_state()
    assert SEALED.match(visit.path()) and page.url != first
    assert "Página 2" in page.locator("nav.pagination").inner_text()
    page.go_back()
    page.wait_for_load_state()
    assert page.url == first
    assert "Página 1" in page.locator("nav.pagination").inner_text()
    for url in visit.requests:
        assert "colombia" not in unquote(url).casefold(), url
