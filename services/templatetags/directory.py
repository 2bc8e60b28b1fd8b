"""Helpers for showing directory content: texts in the language they are really in, language
names, and phone links that work on any phone."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from services import phones

register = template.Library()

# Said in the page's language, next to a text shown in another one.
ONLY_AVAILABLE_IN = {
    "es": _("Only available in Spanish"),
    "en": _("Only available in English"),
    "pt": _("Only available in Portuguese"),
    "fr": _("Only available in French"),
    "ht": _("Only available in Haitian Creole"),
}

_EXTRA_LANGUAGE_NAMES = {
    "ar": _("Arabic"),
    "qu": _("Quechua"),
    "wa": _("Wayuunaiki"),
    "guc": _("Wayuunaiki"),
    "zh": _("Chinese"),
    "ru": _("Russian"),
    "uk": _("Ukrainian"),
    "it": _("Italian"),
    "de": _("German"),
    "ay": _("Aymara"),
    "gn": _("Guarani"),
    "asl": _("American Sign Language"),
    "lsc": _("Colombian Sign Language"),
}


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str
    page_lang: str

    @property
    def foreign(self) -> bool:
        return bool(self.text) and self.lang != self.page_lang

    @property
    def attr(self) -> SafeString:
        """` lang="en"` when the text is not in the page's language, for screen readers."""
        return format_html(' lang="{}"', self.lang) if self.foreign else SafeString("")

    @property
    def note(self) -> SafeString:
        if not self.foreign:
            return SafeString("")
        label = ONLY_AVAILABLE_IN.get(self.lang)
        if label is None:
            return SafeString("")
        return format_html(' <span class="lang-note">({})</span>', label)

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


@register.simple_tag
def localized(obj, field: str) -> Localized:
    """`{% localized service "description" as d %}<p{{ d.attr }}>{{ d }}</p>{{ d.note }}`"""
    page_lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    if obj is None:
        return Localized("", page_lang, page_lang)
    if hasattr(obj, "localized"):
        text, lang = obj.localized(field, page_lang)
    else:
        text, lang = getattr(obj, field, "") or "", page_lang
    return Localized(text or "", lang, page_lang)


def _language_name(code: str) -> str:
    names = dict(settings.CONTENT_LANGUAGES)
    if code in names:
        return str(names[code])
    if code in _EXTRA_LANGUAGE_NAMES:
        return str(_EXTRA_LANGUAGE_NAMES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def language_name(code: str) -> str:
    """A language's name in the page's language ("inglés" on a Spanish page: Spanish writes
    language names in lower case, English capitalises them)."""
    name = _language_name((code or "").lower())
    if (get_language() or "")[:2] == "es" and name:
        return name[0].lower() + name[1:]
    return name


def _stored(phone: Any) -> str:
    return getattr(phone, "number", phone) or ""


@register.filter
def phone_number(phone: Any, page_country: str = "") -> str:
    """The number as a reader of a page about `page_country` writes it: national there,
    international elsewhere (services/phones.py). Every shown number goes through here."""
    return phones.display(_stored(phone), page_country or None)


@register.filter
def tel_href(phone: Any) -> str:
    """tel:+5716000000 (with the extension as a pause, which most phones dial after answering)."""
    number = phones.dial(_stored(phone))
    extension = getattr(phone, "extension", None)
    return f"tel:{number},{extension}" if extension else f"tel:{number}"


@register.filter
def sms_href(phone: Any) -> str:
    return f"sms:{phones.dial(_stored(phone))}"


@register.filter
def whatsapp_href(phone: Any) -> str:
    """https://wa.me/<country code and number>: a plain link; nothing of WhatsApp's loads unless
    it is tapped. "" for a number without a readable country code (no link is shown then)."""
    digits = phones.whatsapp_digits(_stored(phone))
    return f"https://wa.me/{digits}" if digits else ""


@register.filter
def takes_texts(phone) -> bool:
    return getattr(phone, "type", "") in {"text", "cell"}


@register.filter
def is_callable_phone(phone) -> bool:
    return getattr(phone, "type", "") not in {"fax", "pager"}


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """This page's query string with some parameters changed (None removes one); the page number
    resets unless it is among the changes."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, "", False):
            params[key] = value
    for key in [k for k, values in params.lists() if not any(values)]:
        params.pop(key)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def km(value) -> str:
    """A distance a visitor can use: whole kilometres, never finer than the public position."""
    if value is None:
        return ""
    return str(max(1, round(float(value))))


@register.filter
def zone_name(zone: str) -> str:
    """ "America/Bogota" → "Bogota": the city a time zone is named after."""
    return (zone or "UTC").rsplit("/", 1)[-1].replace("_", " ")
