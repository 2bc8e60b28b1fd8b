"""How many SMS segments a text costs, and the cheapest faithful way to write it.

Invariants (3GPP TS 23.038 and 23.040):
- A text is GSM-7 when every character is in the default alphabet or its extension table; an
  extension character (`^ { } \\ [ ~ ] | €` and form feed) costs two septets (escape + char).
- GSM-7: one segment holds 160 septets; a longer text is split into segments of 153 (the rest
  carries the concatenation header), and an escape is never separated from its character.
- Otherwise the text is UCS-2: 70 UTF-16 code units in one segment, 67 per segment when split,
  and a surrogate pair (an emoji, most of them) is never split across two segments.
- `to_gsm()` only replaces a character by one that reads the same to the person (an accented
  Latin letter by its letter, typographic quotes and dashes by plain ones); a text that would
  lose meaning (another script, an emoji) stays UCS-2 and is made shorter instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[~]|€"
_BASIC = frozenset(GSM_BASIC)
_EXTENSION = frozenset(GSM_EXTENSION)

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
GSM7, UCS2 = "GSM-7", "UCS-2"

# Characters that read the same written otherwise in the GSM alphabet.
_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u00b7": ".",
    "\u2022": "-",
}


@dataclass(frozen=True)
class Count:
    encoding: str
    segments: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def is_gsm(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def to_gsm(text: str) -> str | None:
    """`text` in the GSM alphabet with only changes that keep its meaning, or None."""
    out = []
    for ch in text:
        if ch in _BASIC or ch in _EXTENSION:
            out.append(ch)
            continue
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        # Only a Latin letter loses just its accent ("á" → "a", "ã" → "a", "ê" → "e").
        if (
            base
            and base != ch
            and "LATIN" in unicodedata.name(ch, "")
            and all(c in _BASIC for c in base)
        ):
            out.append(base)
            continue
        return None
    return "".join(out)


def _gsm_segments(text: str) -> tuple[int, int]:
    units = [2 if ch in _EXTENSION else 1 for ch in text]
    total = sum(units)
    if total <= GSM_SINGLE:
        return (1 if text else 0), total
    segments, used = 1, 0
    for size in units:
        if used + size > GSM_PART:  # an escape and its character stay together
            segments, used = segments + 1, 0
        used += size
    return segments, total


def _ucs2_segments(text: str) -> tuple[int, int]:
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    total = sum(units)
    if total <= UCS2_SINGLE:
        return (1 if text else 0), total
    segments, used = 1, 0
    for size in units:
        if used + size > UCS2_PART:  # a surrogate pair stays together
            segments, used = segments + 1, 0
        used += size
    return segments, total


def count(text: str) -> Count:
    """The encoding a phone network would use for `text` as it is, and its segments."""
    if is_gsm(text):
        segments, units = _gsm_segments(text)
        return Count(GSM7, segments, units)
    segments, units = _ucs2_segments(text)
    return Count(UCS2, segments, units)


def cheapest(text: str) -> str:
    """`text` in GSM-7 when a faithful rewriting exists, else unchanged (UCS-2)."""
    rewritten = to_gsm(text)
    return rewritten if rewritten is not None else text
