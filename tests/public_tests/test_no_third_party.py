"""Nothing on a public page loads from another host; the only links that leave are the ones a
visitor taps on purpose: the quick exit, a map, a listing's own website, WhatsApp."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from services.templatetags.site import DEFAULT_QUICK_EXIT_URLS

pytestmark = pytest.mark.django_db

# Attributes that make the browser fetch something by itself.
FETCHING = {
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("script", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("form", "action"),
    ("button", "formaction"),
    ("input", "src"),
    ("input", "formaction"),
}
TAPPED_SCHEMES = ("tel:", "sms:", "mailto:", "geo:")
TAPPED_PREFIXES = (
    "https://www.openstreetmap.org/search?",
    "https://wa.me/",
    *DEFAULT_QUICK_EXIT_URLS.values(),
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, rel)
        self.inline_styles = 0
        self.inline_scripts = 0
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if (tag, name) in FETCHING and value:
                self.fetched.append(value)
            if name == "style":
                self.inline_styles += 1
            if name.startswith("on"):
                self.inline_scripts += 1
        if tag == "a" and values.get("href"):
            self.links.append((values["href"], values.get("rel") or ""))
        self._in_script_without_src = tag == "script" and not values.get("src")
        if tag == "style":
            self.inline_styles += 1

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False


def is_own(url: str) -> bool:
    parts = urlsplit(url)
    return (not parts.scheme and not parts.netloc) or url.startswith("data:")


def listing_websites() -> set[str]:
    from services.models import Organization, Service

    return {
        url
        for url in [
            *Service.objects.values_list("url", flat=True),
            *Organization.objects.values_list("website", flat=True),
        ]
        if url
    }


def test_public_pages_fetch_nothing_from_another_host_and_inline_nothing(client, directory):
    for url in directory.public_urls():
        parser = Links()
        parser.feed(client.get(url).content.decode())
        assert parser.fetched, url
        foreign = [src for src in parser.fetched if not is_own(src)]
        assert not foreign, (url, foreign)
        assert parser.inline_styles == 0, url
        assert parser.inline_scripts == 0, url


def test_links_that_leave_are_only_those_a_visitor_taps_on_purpose(client, directory):
    websites = listing_websites()
    for url in directory.public_urls():
        parser = Links()
        parser.feed(client.get(url).content.decode())
        for href, rel in parser.links:
            if is_own(href) or href.startswith("#") or href.startswith(TAPPED_SCHEMES):
                continue
            assert href.startswith(TAPPED_PREFIXES) or href in websites, (url, href)
            assert "noreferrer" in rel, (url, href)


def test_the_stylesheet_fetches_nothing_else():
    css = Path(finders.find("css/site.css")).read_text()
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css


def test_the_script_sends_nothing_anywhere():
    js = Path(finders.find("js/site.js")).read_text()
    for call in ("fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket", "EventSource", "import("):
        assert call not in js
    assert "new Image" not in js
    # The only place it navigates to on its own is the quick-exit target from the page.
    assert 'EXIT_URL = meta("enlace-exit")' in js
    assert "window.location.replace(EXIT_URL);" in js
