"""Needs as people say them: a phrase typed or spoken on a call ("refugio Cúcuta", "casa
refugio", "asilo") becomes a taxonomy term, and the rest of the words stay words.

In Latin American Spanish "refugio" and "casa refugio" are a place to sleep (a shelter, a safe
house); asylum is "asilo", or "refugio" only when it says so ("refugio (asilo)", "solicitud de
refugio", "refugiado"). The full-text index stems "refugio" and "refugiado" alike, so a typed
"refugio" is read here, before the text search, as the need people mean by it.

Phrases are matched on normalized words (places.normalize: lower case, no accents, no
punctuation), longest phrase first, whole words only. Only codes of the demo and production
vocabulary appear here; a code missing from the database is never used (`split_need`).
"""

from __future__ import annotations

from services.models import TaxonomyTerm
from services.search.places import normalize

# (phrase, term code). Longer phrases win over the shorter ones inside them.
NEED_PHRASES: tuple[tuple[str, str], ...] = (
    # asylum first: "refugio (asilo)" and "solicitud de refugio" are not a bed.
    ("refugio asilo", "asylum"),
    ("solicitud de refugio", "asylum"),
    ("estatus de refugiado", "asylum"),
    ("condicion de refugiado", "asylum"),
    ("asilo", "asylum"),
    ("refugiado", "asylum"),
    ("refugiada", "asylum"),
    ("asylum", "asylum"),
    ("refugee", "asylum"),
    ("refugie", "asylum"),
    ("refijye", "asylum"),
    ("asile", "asylum"),
    ("azil", "asylum"),
    # a place to sleep tonight
    ("casa refugio", "housing"),
    ("casa de acogida", "housing"),
    ("hogar de paso", "housing"),
    ("casa de paso", "housing"),
    ("refugio", "housing"),
    ("albergue", "housing"),
    ("alojamiento", "housing"),
    ("donde dormir", "housing"),
    ("abrigo", "housing"),
    ("shelter", "housing"),
    ("safe house", "housing"),
    ("hebergement", "housing"),
    ("abri", "housing"),
    ("kay", "housing"),
    # the other main needs
    ("logement", "housing"),
    # the other main needs, as said in Spanish, English, Portuguese, French and Creole
    ("abogado", "legal"),
    ("abogada", "legal"),
    ("asesoria legal", "legal"),
    ("lawyer", "legal"),
    ("attorney", "legal"),
    ("legal aid", "legal"),
    ("advogado", "legal"),
    ("advogada", "legal"),
    ("avocat", "legal"),
    ("avocate", "legal"),
    ("avoka", "legal"),
    ("linea de ayuda", "hotline"),
    ("hotline", "hotline"),
    ("helpline", "hotline"),
    ("medico", "health"),
    ("salud", "health"),
    ("health", "health"),
    ("doctor", "health"),
    ("clinic", "health"),
    ("saude", "health"),
    ("medecin", "health"),
    ("sante", "health"),
    ("dokte", "health"),
    ("lopital", "health"),
)


def _find(words: list[str], phrase: list[str]) -> int:
    for start in range(len(words) - len(phrase) + 1):
        if words[start : start + len(phrase)] == phrase:
            return start
    return -1


def split_need(text: str) -> tuple[str, str]:
    """(term code, the remaining words) for the first need phrase in `text` whose term exists,
    or ("", text) when none does. "refugio Cúcuta" → ("housing", "cucuta")."""
    words = normalize(text).split()
    found: list[tuple[int, int, str]] = []
    for phrase, code in NEED_PHRASES:
        parts = phrase.split()
        start = _find(words, parts)
        if start >= 0:
            found.append((-len(parts), start, code))
    if not found:
        return "", text
    known = set(
        TaxonomyTerm.objects.filter(code__in={code for _n, _s, code in found}).values_list(
            "code", flat=True
        )
    )
    for negative_length, start, code in sorted(found):
        if code in known:
            rest = words[:start] + words[start - negative_length :]
            return code, " ".join(rest)
    return "", text
