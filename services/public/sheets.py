"""Printable resource sheets: a region's services on one or two pages, for paper handed out in
shelters, bus terminals and at borders; as HTML for the browser's print and as a PDF.

Invariants:
- A sheet holds only what search already made public (services/search, the row rules of
  services/visibility.py): names, public phones, hours, languages and badges. It shows no
  address at all, so no confidential address can reach paper; places are named by region.
- Hotlines come first (the region's, then the country's national ones), then the services
  grouped by need; a service shows once, under its first need.
- Every QR code is drawn here as inline SVG and points to the listing on our own site
  (SITE_URL); the PDF is made by WeasyPrint with a URL fetcher that serves our static files and
  refuses everything else, so making a sheet makes no request to anyone.
- Rendered sheets are cached per region, need, language, paper and format under the directory
  version of services/search/cache.py (any change of the directory makes a new version, so no
  sheet outlives the listings it shows) and under the day, which the sheet prints.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from services import hours
from services.models import Region, TaxonomyTerm
from services.search import SearchParams, search
from services.search.cache import VERSION_KEY

PAPERS = ("a4", "letter")
# Countries that print on US Letter; the rest of the Americas we serve use A4.
LETTER_COUNTRIES = {"US", "CA", "MX", "CL", "CO", "VE", "PH", "PA", "CR", "GT", "SV", "NI"}
# How many services fit: two pages at most with a QR code each.
PER_NEED = 6
PER_NEED_ALONE = 16
HOTLINES = 4
CACHE_SECONDS = 24 * 3600


def default_paper(country: str) -> str:
    return "letter" if country in LETTER_COUNTRIES else "a4"


@dataclass
class SheetEntry:
    service: Any
    phones: list[Any]
    hours: list[str]
    languages: list[str]
    where: str
    qr: SafeString
    url: str


@dataclass
class SheetGroup:
    code: str
    title: str
    entries: list[SheetEntry] = field(default_factory=list)


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code of `url` (no image file, no request)."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        border=1,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    # The XML declaration is not allowed inside HTML.
    svg = svg.split("?>", 1)[-1].strip()
    # mark_safe (B308, B703): our own SVG, drawn by qrcode from our own URL.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def listing_url(service_id: Any) -> str:
    return settings.SITE_URL + reverse("services:service", args=[service_id])


def _entry(hit: Any, view: Any, lang: str) -> SheetEntry:
    """One service on paper, from its search hit and its card (`view`: public phones and
    languages, as the result cards have them)."""
    schedules = list(hit.service.schedules.all())
    region = getattr(view.place, "region", None) if view.place else None
    url = listing_url(hit.service.pk)
    return SheetEntry(
        service=hit.service,
        phones=view.phones[:2],
        hours=hours.describe_hours(schedules, lang=lang)[:2],
        languages=[language.code for language in view.languages][:4],
        where=region.name if region is not None else "",
        qr=qr_svg(url),
        url=url,
    )


def build(
    region: Region,
    need: TaxonomyTerm | None,
    lang: str,
    *,
    cards: Callable[[list[Any], str], list[Any]],
    needs: list[tuple[str, Any]],
    hotline_terms: tuple[str, ...],
) -> dict[str, Any]:
    """What a sheet shows: the hotlines, then the services grouped by `needs` (code, title);
    `cards` makes the result cards of hits (the public pages' own)."""
    seen: set[Any] = set()

    def take(params: SearchParams, limit: int, *, country_wide: Region | None = None) -> list:
        result = search(params, lang=lang, load="page")
        entries = []
        for hit in result.hits:
            if hit.service.pk in seen:
                continue
            if country_wide is not None and not any(
                area.region_id == country_wide.id for area in hit.service.service_areas.all()
            ):
                continue
            seen.add(hit.service.pk)
            entries.append(_entry(hit, cards([hit], lang)[0], lang))
            if len(entries) >= limit:
                break
        return entries

    hotlines = take(
        SearchParams(region=region.code, taxonomy_term=hotline_terms, per_page=20), HOTLINES
    )
    country = Region.objects.filter(code=region.country_code, level=Region.Level.COUNTRY).first()
    if country is not None and len(hotlines) < HOTLINES:
        hotlines += take(
            SearchParams(region=country.code, taxonomy_term=hotline_terms, per_page=20),
            HOTLINES - len(hotlines),
            country_wide=country,
        )
    groups = []
    needs = (
        [(need.code, need.name)]
        if need is not None
        else [(code, label) for code, label in needs if code not in hotline_terms]
    )
    limit = PER_NEED_ALONE if need is not None else PER_NEED
    existing = set(
        TaxonomyTerm.objects.filter(code__in=[code for code, _label in needs]).values_list(
            "code", flat=True
        )
    )
    for code, title in needs:
        if code not in existing:
            continue
        entries = take(
            SearchParams(region=region.code, taxonomy_term=(code,), per_page=limit + 10), limit
        )
        if entries:
            groups.append(SheetGroup(code=code, title=str(title), entries=entries))
    return {
        "hotlines": hotlines,
        "groups": groups,
        "printed_on": timezone.localdate(),
        "count": len(hotlines) + sum(len(group.entries) for group in groups),
    }


def cache_key(*parts: str) -> str | None:
    """The key a sheet is kept under for the current directory version; None when there is no
    version yet (a new or flushed Redis), then the sheet is made and not kept."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        return None
    return ":".join(["sheet", str(version), timezone.localdate().isoformat(), *parts])


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of our static files."""


def static_file(url: str) -> tuple[bytes, str]:
    """(content, media type) of the static file `url` names (finders, then STATIC_ROOT); any
    other URL is refused, so that making a PDF never reaches the network or the file system
    beyond our static files."""
    parts = urlsplit(url)
    prefix = urlsplit(settings.STATIC_URL).path
    if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(settings.SITE_URL).netloc:
        raise FetchRefused(url)
    if not parts.path.startswith(prefix):
        raise FetchRefused(url)
    relative = parts.path[len(prefix) :]
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        raise FetchRefused(url)
    found = finders.find(relative)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise FetchRefused(url)
    path = Path(found)
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def pdf_from_html(html: str) -> bytes:
    """The PDF of a rendered sheet, with only our static files fetched."""
    # Loaded on first use: it pulls in Pango, which no other page needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            body, media_type = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=StaticOnly()).write_pdf()
