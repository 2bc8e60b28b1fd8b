"""Chromium (Debian's, driven by Playwright) against a live server holding the demo directory.

The demo is loaded once for the whole package: pytest-django's `live_server` fixture makes each
test transactional, which empties the database after every test, so we run the same LiveServer
helper ourselves with the demo committed once, and empty the database when the package is done
(as a transactional test would).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.public_tests.demo import demo_directory

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
NEUTRAL_HOST = "www.google.com"


@pytest.fixture(scope="package")
def site(django_db_setup, django_db_blocker) -> Iterator[LiveServer]:
    # The live server's threads need the database for the whole package, not per test.
    with demo_directory(django_db_blocker):
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture(scope="package")
def browser(site: LiveServer) -> Iterator[Browser]:
    # Started after the demo is loaded and stopped before it is removed: Playwright's event loop
    # in this thread would make Django refuse the database calls of `site`.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A phone-sized page that records every request it makes."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.page.on("request", self._record)
        # The neutral site the quick exit goes to is answered here, inside the browser: the
        # test must not reach the internet, and the visitor's choice to leave is what we check.
        context.route(
            re.compile(rf"^https://{re.escape(NEUTRAL_HOST)}/.*"),
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>"
            ),
        )

    def _record(self, request: Request) -> None:
        self.requests.append(request.url)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Page:
        self.page.goto(self.url(path))
        return self.page

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full_page)
        return target

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the test server (the neutral exit site excepted
        only where a test chose to leave)."""
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).netloc != own
        ]


def new_visit(browser: Browser, site: LiveServer, **options) -> Visit:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="es-CO",
        **options,
    )
    return Visit(context, site.url)


@pytest.fixture
def visit(browser: Browser, site: LiveServer) -> Iterator[Visit]:
    current = new_visit(browser, site)
    yield current
    current.context.close()


# --- the staff side ---------------------------------------------------------------------------


@pytest.fixture(scope="package")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="package")
def people(site, django_db_blocker):
    """Named members of two verified demo organisations, made once for the package: rosa refers
    clients (caseworker at R), ivan receives them (intake at V), alma runs V (its admin), sara
    keeps the directory (steward, may use the admin), beto signs in with a backup code, and lola's
    name is the one that gets locked out."""
    from tests.browser_tests.staff import in_own_thread, make_people

    with django_db_blocker.unblock():
        return in_own_thread(make_people)


@pytest.fixture
def phone(browser, site, axe):
    from tests.browser_tests.staff import new_staff_visit

    current = new_staff_visit(browser, site, axe, "phone")
    yield current
    current.context.close()


@pytest.fixture
def desktop(browser, site, axe):
    from tests.browser_tests.staff import new_staff_visit

    current = new_staff_visit(browser, site, axe, "desktop")
    yield current
    current.context.close()
