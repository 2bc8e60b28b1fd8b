"""The words of a text-message answer, made to fit in MAX_SEGMENTS SMS segments.

Invariants:
- Every sentence is translated (gettext, in the language the message was read in); the caller
  activates that language.
- An emergency block, when asked for, comes first and is never shortened or dropped.
- The answer ends with how to go on: "MAS" (when there is more), a new need and place, and the
  country's national hotline (or its emergency number when the directory lists no hotline).
- `fit()` returns text that costs at most MAX_SEGMENTS segments (segments.count): GSM-7 when a
  faithful rewriting exists, otherwise UCS-2 with shorter names and fewer listings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

from channels import segments
from channels.emergency import EMERGENCY_NUMBERS, Hotline

MAX_SEGMENTS = 3
# Names are cut to these lengths, one after the other, until the answer fits.
NAME_LIMITS = (None, 48, 36, 28, 20, 14)
ELLIPSIS = "..."


@dataclass(frozen=True)
class Listing:
    name: str
    phone: str
    distance_km: float | None
    open_24_7: bool
    is_free: bool


def _cut(name: str, limit: int | None) -> str:
    name = " ".join(name.split())
    if limit is None or len(name) <= limit:
        return name
    return name[: limit - len(ELLIPSIS)].rstrip(" -,(") + ELLIPSIS


def _distance(km: float | None) -> str:
    if km is None:
        return ""
    return "<1 km" if km < 1 else f"{km:.0f} km"


def listing_line(number: int, listing: Listing, limit: int | None) -> str:
    flags = [
        "24h" if listing.open_24_7 else "",
        pgettext("text message", "free") if listing.is_free else "",
    ]
    parts = [
        _cut(listing.name, limit),
        listing.phone,
        _distance(listing.distance_km),
        ", ".join(f for f in flags if f),
    ]
    return f"{number}) " + " - ".join(p for p in parts if p)


def emergency_block(country: str, hotline: Hotline | None) -> str:
    number = EMERGENCY_NUMBERS.get(country)
    lines = [
        gettext("DANGER? Call %(number)s now.") % {"number": number}
        if number
        else gettext("DANGER? Call the local emergency number now.")
    ]
    if hotline is not None:
        lines.append(gettext("Anti-trafficking line: %(phone)s") % {"phone": hotline.phone})
    else:
        lines.append(gettext("We list no national anti-trafficking line for this country."))
    return "\n".join(lines)


def closing(country: str, hotline: Hotline | None, *, more: bool) -> list[str]:
    """How to go on: the longest form first, then shorter ones for `fit()` to fall back on."""
    reach = ""
    if hotline is not None:
        reach = gettext("National hotline: %(phone)s") % {"phone": hotline.phone}
    elif country in EMERGENCY_NUMBERS:
        reach = gettext("Emergency: %(number)s") % {"number": EMERGENCY_NUMBERS[country]}
    again = gettext("New search: need and place.")
    forms = []
    if more:
        more_text = gettext("MORE: more results.")
        forms.append(" ".join(p for p in (more_text, again, reach) if p))
        forms.append(" ".join(p for p in (more_text, reach) if p))
    forms.append(" ".join(p for p in (again, reach) if p))
    forms.append(reach)
    return [form for form in forms if form]


def fit(
    head: list[str], title: str, listings: list[Listing], endings: list[str], start: int = 1
) -> str:
    """The longest answer that costs at most MAX_SEGMENTS: every listing with its whole name
    if possible, then shorter names, then fewer listings, then a shorter ending. `head` (the
    emergency block) is always kept whole."""
    attempts = []
    for ending in endings or [""]:
        for shown in range(len(listings), 0 if listings else -1, -1):
            for limit in NAME_LIMITS:
                lines = [listing_line(start + i, x, limit) for i, x in enumerate(listings[:shown])]
                attempts.append([*head, title, *lines, ending])
    best = ""
    for parts in attempts:
        text = segments.cheapest("\n".join(p for p in parts if p))
        if segments.count(text).segments <= MAX_SEGMENTS:
            return text
        best = best or text
    # Even the emergency block alone with the shortest ending does not fit (it always does in
    # practice): send the block, which matters most.
    return segments.cheapest("\n".join(p for p in head if p)) or best


def help_text() -> str:
    return gettext(
        'Write what you need and where, for example "shelter Houston" or "lawyer 33101". '
        "MORE: more results. DANGER: emergency numbers."
    )


def nothing_found() -> str:
    return gettext("We found nothing for this. Try another word or a nearby town.")


def nothing_more() -> str:
    return gettext("There is nothing more to show.")


def _with_emergency(text: str, country: str) -> str:
    number = EMERGENCY_NUMBERS.get(country)
    if number:
        text += " " + gettext("Emergency: %(number)s") % {"number": number}
    return segments.cheapest(text)


def too_many(country: str) -> str:
    return _with_emergency(
        gettext("Too many messages. Wait a few minutes and write again."), country
    )


def unavailable(country: str) -> str:
    return _with_emergency(
        gettext("Sorry, we cannot answer now. Try again in a few minutes."), country
    )
