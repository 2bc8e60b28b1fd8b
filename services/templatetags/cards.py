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


def _where(hit: Any, labels: _Labels) -> str:
    """The second meta line: how far or where, then the areas served."""
    place = hit.place
    region = getattr(place, "region", None)
    if place is not None and place.location_type == "virtual":
        where = labels.virtual
    elif hit.distance_km is not None:
        where = labels.about % {"km": _e(km(hit.distance_km))}
        if region:
            where += _SEP + _e(region.name)
    elif region:
        where = _e(region.name)
    else:
        where = ""
    if hit.areas:
        names = ", ".join(_e(area.region.name) for area in hit.areas[:3])
        where += f"{_SEP if place else ''}{labels.serves} {names}"
    return where


def _card(hit: Any, level: Any, url: tuple[str, str], labels: _Labels, page_country: str) -> str:
    """services/_hit.html."""
    service = hit.service
    name = localized(service, "name")
    organization = getattr(service.organization, "name", "")
    terms = service.terms
    meta = _e(organization)
    if terms:
        meta += _SEP + ", ".join(_e(term.name) for term in terms[:3])
    if service.open_24_7:
        hours = labels.open_24_7
    elif hit.open_now is True:
        hours = labels.open_now
    elif hit.open_now is False:
        hours = labels.closed_now
    else:
        hours = ""
    languages = hit.languages  # only those the row rules leave public
    spoken = (
        f'<p class="meta">{labels.languages} '
        f"{', '.join(labels.language(language.code) for language in languages)}</p>"
        if languages
        else ""
    )
    href = _e(f"{url[0]}{service.pk}{url[1]}")
    return (
        f'<li class="card">\n'
        f'  <h{level}><a href="{href}"{name.attr}>{_e(name)}</a>{name.note}</h{level}>\n'
        f'  <p class="meta">{meta}</p>\n'
        f'  <p class="meta">{_where(hit, labels)}</p>\n'
        f'  <ul class="badges">\n'
        f"    {hours}\n"
        f"    {labels.free if service.is_free else ''}\n"
        f"    {labels.no_id if service.no_id_required else ''}\n"
        f"    {labels.status if service.immigration_status_not_asked else ''}\n"
        f"    {labels.trafficking if service.trafficking_specialised else ''}\n"
        f"  </ul>\n"
        f"  {spoken}\n"
        f"  {_phones(hit.phones[:2], labels, page_country)}\n"
        f"</li>\n"
    )


@register.simple_tag(takes_context=True)
def hit_cards(context: Any, hits: Iterable[Any], level: Any = None) -> SafeString:
    """Every hit's card (views.HitView), as services/_hit.html draws one; numbers in the format
    of the page's country (`page_country` in the context)."""
    page_country = context.get("page_country") or ""
    hits = list(hits)
    if not hits:
        return SafeString("")
    level = _e(level or 2)
    labels = _Labels()
    prefix, _, suffix = reverse("services:service", args=[_SENTINEL]).partition(str(_SENTINEL))
    # Every part was escaped above (labels, values) or is our own markup.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(_card(hit, level, (prefix, suffix), labels, page_country) for hit in hits)
    )
