"""The public pages in each of the five interface languages, in Chromium with axe-core: the page
and the language switch say which language they are in (`lang`), the page reads in its language,
and axe finds no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation

from tests.languages import interface_languages

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
OWN_NAMES = {
    "es": "Español",
    "en": "English",
    "pt": "Português",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
}


def public_pages(visit, language: str) -> dict[str, str]:
    with translation.override(language):
        results = reverse("services:results") + "?q=albergue&place=Cucuta"
        pages = {
            "home": reverse("services:home"),
            "results": results,
            "regions": reverse("services:regions"),
            "hotlines": reverse("services:hotlines"),
            "privacy": reverse("services:privacy"),
        }
    visit.goto(results)
    pages["service"] = visit.page.locator("ol.results > li.card h3 a").first.get_attribute("href")
    return pages


@pytest.mark.parametrize("language", interface_languages())
def test_the_public_pages_in_each_language_say_so_and_pass_axe(visit, language):
    axe = Axe()
    with translation.override(language):
        heading = translation.gettext("Find help near you")
    failures = {}
    for name, path in public_pages(visit, language).items():
        assert path.startswith(f"/{language}/"), (name, path)
        response = visit.page.goto(visit.url(path))
        assert response.status == 200, (name, path)
        page = visit.page
        assert page.locator("html").get_attribute("lang") == language, name
        switch = page.locator("nav.languages")
        for code, own_name in OWN_NAMES.items():
            item = switch.locator(f'[lang="{code}"]')
            assert item.inner_text() == own_name, (name, code)
        assert switch.locator('[aria-current="true"]').get_attribute("lang") == language
        if name == "home":
            assert page.locator("h1").first.inner_text() == heading
        visit.screenshot(f"{name}-{language}")
        serious = [
            f"{violation['id']}: {violation['help']}"
            for violation in axe.run(page).response["violations"]
            if violation.get("impact") in SERIOUS
        ]
        if serious:
            failures[name] = serious
    if language != "en":
        assert heading != "Find help near you"
    assert not failures, failures
