"""Query parameters the API reads besides the search's own: language, paging, flags."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from services.search import DEFAULT_PER_PAGE, MAX_PER_PAGE, SearchParamError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def content_languages() -> list[str]:
    return [code for code, _name in settings.CONTENT_LANGUAGES]


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _one(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return "" if value is None else str(value).strip()


def content_language(data: Mapping[str, Any], accept_language: str) -> str:
    """`lang` if given (any content language), else the best of Accept-Language, else Spanish."""
    requested = _one(data, "lang").lower()
    if requested:
        if requested not in content_languages():
            raise SearchParamError(
                "lang",
                _("Unknown language; use one of: %(codes)s")
                % {"codes": ", ".join(content_languages())},
            )
        return requested
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        base = code.split("-")[0].lower()
        if base in content_languages():
            return base
    return settings.LANGUAGE_CODE


def flag(data: Mapping[str, Any], name: str) -> bool:
    value = _one(data, name).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SearchParamError(name, _("Use true or false."))


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paging(data: Mapping[str, Any]) -> Paging:
    values = {}
    for name, default, high in (("page", 1, 100000), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        raw = _one(data, name)
        if not raw:
            values[name] = default
            continue
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number is None or not 1 <= number <= high:
            raise SearchParamError(
                name,
                _("Give a whole number between %(low)s and %(high)s.") % {"low": 1, "high": high},
            )
        values[name] = number
    return Paging(**values)


def page_wrapper(contents: list[Any], *, total: int, page: int, per_page: int) -> dict[str, Any]:
    """The HSDS page object around one page of results."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": per_page,
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
