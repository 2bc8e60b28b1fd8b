"""Result cards drawn in Python: `{% hit_cards hits 3 %}` gives exactly what
`{% for hit in hits %}{% include "services/_hit.html" with level=3 %}{% endfor %}` gives.

Why: a results page has 20 cards; through the template engine each card was an include, two
dozen tags and ~30 variable look-ups, most of the page's rendering time (cProfile of the bench's
80 result pages, bench/app_time.py --profile). Here the per-page parts (translated labels, the
listing URL's prefix) are worked out once per call and each card is one string join.

services/_hit.html and services/_phones.html stay the reference: tests/public_tests/
test_hit_cards.py renders both ways in every language and requires the same bytes, so a change
to the card must be made in both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from services.phones import country_of
from services.templatetags.directory import (
    is_callable_phone,
    km,
    language_name,
    localized,
    phone_number,
    sms_href,
    takes_texts,
    tel_href,
    whatsapp_href,
)

register = template.Library()

# Any id: reversed once per call, then cut around, so each card's link is prefix + id + suffix.
_SENTINEL = uuid.UUID(int=0)
_SEP = " · "


def _e(value: Any) -> str:
    """A value as `{{ value }}` prints it with autoescaping on."""
    return conditional_escape(value)


class _Labels:
    """The card's translated words, in the active language, looked up once per page. {% translate
    %} escapes its result; {% blocktranslate %} does not (hence the raw formats)."""

    def __init__(self) -> None:
        self.virtual = _e(gettext("By phone or online"))
        self.about = gettext("About %(km)s km away")
        self.serves = _e(gettext("Serves:"))
        self.open_24_7 = f'<li class="open">{_e(gettext("Open 24/7"))}</li>'
        self.open_now = f'<li class="open">{_e(gettext("Open now"))}</li>'
        self.closed_now = f'<li class="closed">{_e(gettext("Closed now"))}</li>'
        self.free = f"<li>{_e(gettext('Free'))}</li>"
        self.no_id = f"<li>{_e(gettext('No ID needed'))}</li>"
        self.status = f"<li>{_e(gettext('Immigration status not asked'))}</li>"
        self.trafficking = f"<li>{_e(gettext('Trafficking specialists'))}</li>"
        self.languages = _e(gettext("Languages:"))
        self.call = gettext("Call %(number)s")
        self.text = gettext("Text (SMS) %(number)s")
        self.whatsapp = _e(gettext("WhatsApp"))
        self.language_names: dict[str, str] = {}

    def language(self, code: str) -> str:
        name = self.language_names.get(code)
        if name is None:
            name = self.language_names[code] = _e(language_name(code))
        return name


def _phones(phones: list[Any], labels: _Labels, page_country: str) -> str:
    """services/_phones.html."""
    if not phones:
        return "\n"
    parts = ['<ul class="contact">\n']
    for phone in phones:
        number = _e(phone_number(phone, page_country))
        whatsapp = whatsapp_href(phone)
        if is_callable_phone(phone):
            call = labels.call % {"number": number}
            parts.append(f'<li><a href="{_e(tel_href(phone))}">{call}</a></li>')
        parts.append("\n")
        if takes_texts(phone):
            text = labels.text % {"number": number}
            parts.append(f'<li><a href="{_e(sms_href(phone))}">{text}</a></li>')
        parts.append("\n")
        if phone.whatsapp and whatsapp:
            parts.append(
                f'<li><a href="{_e(whatsapp)}" rel="noreferrer noopener">'
                f'{labels.whatsapp}<span class="visually-hidden"> {number}</span></a></li>'
            )
        parts.append("\n")
    parts.append("</ul>\n")
    return "".join(parts)


def _where_parts(place: Any, areas: list[Any], labels: _Labels) -> tuple[str, str | None]:
    """The second meta line (how far or where, then the areas served) as two readings: without
    a distance, and what follows "About N km away" when there is one (None: a virtual place,
    whose line never shows a distance)."""
    region = getattr(place, "region", None)
    served = ""
    if areas:
        names = ", ".join(_e(area.region.name) for area in areas[:3])
        served = f"{_SEP if place else ''}{labels.serves} {names}"
    if place is not None and place.location_type == "virtual":
        return labels.virtual + served, None
    return (_e(region.name) if region else "") + served, (
        _SEP + _e(region.name) if region else ""
    ) + served


class CardParts:
    """One card cut where the per-request values go: the heading level (twice), the where line
    (it carries the distance), the hours badge ("open now" moves with the clock) and the phones
    (national on a page about their own country, international elsewhere: `phones` holds one
    rendering per country among the card's numbers, and "" the one for any other page).
    Everything else is fixed for a service, the place shown and the interface language, so it
    can be stored (services/search/documents.py) and stitched per request."""

    __slots__ = ("far", "near", "parts", "phones")

    def __init__(
        self, parts: list[str], far: str, near: str | None, phones: dict[str, str]
    ) -> None:
        self.parts, self.far, self.near, self.phones = parts, far, near, phones

    def as_json(self) -> dict[str, Any]:
        return {"parts": self.parts, "far": self.far, "near": self.near, "phones": self.phones}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> CardParts:
        return cls(stored["parts"], stored["far"], stored["near"], stored["phones"])

    def stitch(
        self,
        level: str,
        distance_km: float | None,
        open_24_7: bool,
        open_now: bool | None,
        labels: _Labels,
        page_country: str = "",
    ) -> str:
        if distance_km is not None and self.near is not None:
            where = labels.about % {"km": _e(km(distance_km))} + self.near
        else:
            where = self.far
        if open_24_7:
            hours = labels.open_24_7
        elif open_now is True:
            hours = labels.open_now
        elif open_now is False:
            hours = labels.closed_now
        else:
            hours = ""
        phones = self.phones.get(page_country.upper(), self.phones[""])
        a, b, c, d, e, f = self.parts
        return f"{a}{level}{b}{level}{c}{where}{d}{hours}{e}{phones}{f}"


def card_parts(
    service: Any,
    place: Any,
    phones: list[Any],
    areas: list[Any],
    languages: list[Any],
    url: tuple[str, str],
    labels: _Labels,
) -> CardParts:
    """services/_hit.html of `service` shown at `place` (a PublicLocation or None), cut into
    CardParts."""
    name = localized(service, "name")
    organization = getattr(service.organization, "name", "")
    terms = service.terms
    meta = _e(organization)
    if terms:
        meta += _SEP + ", ".join(_e(term.name) for term in terms[:3])
    spoken = (
        f'<p class="meta">{labels.languages} '
        f"{', '.join(labels.language(language.code) for language in languages)}</p>"
        if languages
        else ""
    )
    href = _e(f"{url[0]}{service.pk}{url[1]}")
    far, near = _where_parts(place, areas, labels)
    return CardParts(
        [
            '<li class="card">\n  <h',
            f'><a href="{href}"{name.attr}>{_e(name)}</a>{name.note}</h',
            f'>\n  <p class="meta">{meta}</p>\n  <p class="meta">',
            '</p>\n  <ul class="badges">\n    ',
            f"\n"
            f"    {labels.free if service.is_free else ''}\n"
            f"    {labels.no_id if service.no_id_required else ''}\n"
            f"    {labels.status if service.immigration_status_not_asked else ''}\n"
            f"    {labels.trafficking if service.trafficking_specialised else ''}\n"
            f"  </ul>\n"
            f"  {spoken}\n"
            f"  ",
            "\n</li>\n",
        ],
        far,
        near,
        {
            country: _phones(phones[:2], labels, country)
            for country in ["", *sorted({country_of(phone.number) for phone in phones[:2]} - {""})]
        },
    )


def listing_url() -> tuple[str, str]:
    """A listing's address in the active language, as (before the id, after it)."""
    prefix, _, suffix = reverse("services:service", args=[_SENTINEL]).partition(str(_SENTINEL))
    return prefix, suffix


def _card(hit: Any, level: str, url: tuple[str, str], labels: _Labels, page_country: str) -> str:
    """services/_hit.html of a HitView (views.HitView), or a stored card's stitch."""
    stored = getattr(hit, "card", None)
    if stored is not None:
        return stored.stitch(
            level, hit.distance_km, hit.open_24_7, hit.open_now, labels, page_country
        )
    parts = card_parts(hit.service, hit.place, hit.phones, hit.areas, hit.languages, url, labels)
    return parts.stitch(
        level, hit.distance_km, hit.service.open_24_7, hit.open_now, labels, page_country
    )


@register.simple_tag(takes_context=True)
def hit_cards(context: Any, hits: Iterable[Any], level: Any = None) -> SafeString:
    """Every hit's card (views.HitView or documents.StoredCard), as services/_hit.html draws
    one; numbers in the format of the page's country (`page_country` in the context)."""
    page_country = context.get("page_country") or ""
    hits = list(hits)
    if not hits:
        return SafeString("")
    level = str(_e(level or 2))
    labels = _Labels()
    url = listing_url()
    # Every part was escaped above (labels, values) or is our own markup.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(_card(hit, level, url, labels, page_country) for hit in hits)
    )
