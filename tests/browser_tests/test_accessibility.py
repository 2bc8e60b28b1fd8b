"""axe-core (the copy shipped with axe-playwright-python) on every page type: no serious or
critical violation. Screenshots of each page type are saved for people to look at."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def page_types(visit) -> dict[str, str]:
    page = visit.goto("/es/buscar/?q=albergue&place=Cucuta")
    first = page.locator("ol.results > li.card h3 a").first.get_attribute("href")
    return {
        "home": "/es/",
        "home-en": "/en/",
        "country": "/es/pais/CO/",
        "results": "/es/buscar/?q=albergue&place=Cucuta",
        "results-empty": "/es/buscar/?q=zzxxqqww",
        "results-error": "/es/buscar/?lat=95&lon=1",
        "service": first,
        "regions": "/es/regiones/",
        "region-country": "/es/regiones/CO/",
        "hotlines": "/es/lineas-de-ayuda/",
        "hotlines-country": "/es/lineas-de-ayuda/CO/",
        "privacy": "/es/privacidad/",
        "privacy-en": "/en/privacy/",
    }


def test_every_page_type_has_no_serious_accessibility_violation(visit, axe):
    failures = {}
    for name, path in page_types(visit).items():
        visit.goto(path)
        visit.screenshot(name)
        results = axe.run(visit.page)
        serious = [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
            f"{[node['target'] for node in violation['nodes'][:3]]})"
            for violation in results.response["violations"]
            if violation.get("impact") in SERIOUS
        ]
        if serious:
            failures[name] = serious
    assert not failures, failures


def test_confidential_listing_page_is_accessible_too(visit, axe):
    page = visit.goto("/es/buscar/?q=albergue&place=Cucuta")
    links = page.locator("ol.results > li.card h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        visit.goto(href)
        if visit.page.get_by_text("Dirección confidencial").count():
            visit.screenshot("service-confidential")
            results = axe.run(visit.page)
            serious = [
                v["id"] for v in results.response["violations"] if v.get("impact") in SERIOUS
            ]
            assert not serious, serious
            return
    pytest.fail("no confidential shelter among the first results near Cúcuta")
