"""What of a searched text is searched by: its meaningful words.

Invariants:
- A word is dropped when it is a stop word of Spanish, English, Portuguese or French
  (stopwords.py) or has fewer than MIN_WORD_LENGTH letters: such words match most of the
  directory ("de" matched every listing with "de" in its English reading) and mean nothing alone.
- At most MAX_WORDS words are kept: every word is a posting list the text index intersects,
  and the typo and any-word fallbacks look each one up again.
- The words kept are the typed tokens themselves (accents, quotes and a leading "-" survive), so
  the text search reads them as before; "or" is kept between two kept words. A quoted phrase
  that lost a word loses its quotes: "casa de acogida" is stored with "de" counted between the
  two words, so "casa acogida" as a phrase would never match; as two words it does.
- A text of nothing but dropped words is no text: the other parameters decide.
"""

from __future__ import annotations

from services.search.places import normalize
from services.search.stopwords import STOP_WORDS

MIN_WORD_LENGTH = 3
MAX_WORDS = 10


def _meaningful(token: str) -> bool:
    return any(
        len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS for word in normalize(token).split()
    )


def search_text(text: str) -> str:
    """The part of `text` worth searching by ("" when there is none)."""
    tokens = (text or "").split()
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if token.casefold() == "or":
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if kept and kept[-1].casefold() != "or" and _meaningful(following):
                kept.append(token)
            continue
        if _meaningful(token):
            kept.append(token)
    words: list[str] = []
    count = 0
    for token in kept:
        if token.casefold() != "or":
            if count == MAX_WORDS:
                break
            count += 1
        words.append(token)
    while words and words[-1].casefold() == "or":
        words.pop()
    if len(words) < len(tokens) and any('"' in word for word in words):
        words = [part for part in (word.replace('"', "") for word in words) if part]
    return " ".join(words)


def dropped_everything(text: str) -> bool:
    """Whether words were typed and none of them is worth searching by."""
    return bool((text or "").strip()) and not search_text(text)
