"""Names that cannot pretend to be another organisation's.

A steward or an import could save a name that looks like a trusted organisation's and is not:
direction overrides that reorder what is shown ("Fundación \u202eABC"), invisible characters
that make two names differ only in bytes, styled or full-width letters, a Cyrillic "а" among
Latin letters, or a whole word of Cyrillic or Greek letters that look Latin ("Саѕа Refugio").
Such a name is refused with a reason; names written in Spanish, Portuguese,
French, Haitian Creole or English, accents and all, pass. One function, used by the models'
clean() (admin and model forms) and by the HSDS import.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Names made only of these need no closer look (nearly every name, and the import's fast path):
# printable ASCII, the accented letters of Latin-1, œ/Œ, ordinals, Spanish and French marks,
# typographic quotes and dashes. None is invisible, none changes under NFKC but ª and º, and
# all are Latin or common, so no word can mix alphabets.
_PLAIN = re.compile(
    "[ -~\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u00aa\u00ba\u00a1\u00bf"
    "\u00ab\u00bb\u2018\u2019\u201c\u201d\u2013\u2014]*"
)
# Compatibility characters that belong in names here: "1º de Mayo", "Nª Sª".
_ALLOWED_COMPATIBILITY = frozenset("ªº")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_WORD = re.compile(r"[^\W\d_]+")

HIDDEN = _(
    "contains invisible or control characters (such as direction marks or zero-width spaces); "
    "remove them"
)
STYLED = _(
    "uses styled or full-width characters (such as 𝐀 or Ａ) or unusual spaces; type it with "
    "ordinary letters and spaces"
)
MIXED = _("mixes alphabets in the word “%(word)s”, which can imitate another name")
LOOKALIKE = _(
    "writes the word “%(word)s” in Cyrillic or Greek letters that look like Latin ones, which "
    "can imitate another name"
)

# Cyrillic and Greek letters that a reader takes for Latin ones (Unicode's confusables for
# Latin, the common ones): "Саѕа" reads as "Casa" and is not. A word made only of these, in a
# name whose other words are Latin, is an imitation; a name written in Cyrillic or Greek is not.
_LATIN_LOOKALIKES = frozenset(
    # Cyrillic: а с е һ і ј о р ѕ у х ԁ ԛ ԝ ү ӏ and А В С Е Н І Ј К М О Р Ѕ Т У Х Ү Һ Ԁ Ԛ Ԝ Ӏ
    "\u0430\u0441\u0435\u04bb\u0456\u0458\u043e\u0440\u0455\u0443\u0445\u0501\u051b\u051d"
    "\u04af\u04cf\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420"
    "\u0405\u0422\u0423\u0425\u04ae\u04ba\u0500\u051a\u051c\u04c0"
    # Greek: α ι κ ν ο ρ υ χ γ ϳ and Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ Ϳ
    "\u03b1\u03b9\u03ba\u03bd\u03bf\u03c1\u03c5\u03c7\u03b3\u03f3\u0391\u0392\u0395"
    "\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7\u037f"
)


def _script(char: str) -> str | None:
    """The alphabet of a letter by its Unicode name ("LATIN SMALL LETTER A" → LATIN), or None
    for what belongs to no alphabet in particular. unicodedata has no script property."""
    name = unicodedata.name(char, "")
    if " LETTER " not in f" {name} " or name.startswith("MODIFIER"):
        return None
    return name.split(" ", 1)[0]


def name_problem(value: str) -> Promise | str | None:
    """Why `value` cannot be a name, or None if it can."""
    if _PLAIN.fullmatch(value):
        return None
    text = unicodedata.normalize("NFC", value)
    for char in text:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return HIDDEN
    for char in text:
        if char in _ALLOWED_COMPATIBILITY:
            continue
        # Non-breaking and other special spaces (Zs) change under NFKC too.
        if unicodedata.normalize("NFKC", char) != char:
            return STYLED
    words = []
    for word in _WORD.findall(text):
        scripts = {_script(char) for char in word} - {None}
        if len(scripts) > 1:
            return MIXED % {"word": word}
        words.append((word, scripts))
    return _lookalike_word(words)


def _lookalike_word(words: list[tuple[str, set[str | None]]]) -> str | None:
    """A word wholly in Cyrillic or Greek letters that look Latin, in a name whose other words
    are all Latin ("Саѕа Refugio"); None for a name in one script, or whose non-Latin words
    have letters of their own ("Фонд Help")."""
    imitations = [
        word
        for word, scripts in words
        if scripts & {"CYRILLIC", "GREEK"} and all(char in _LATIN_LOOKALIKES for char in word)
    ]
    if not imitations:
        return None
    others = [scripts for word, scripts in words if word not in imitations and scripts]
    if others and all(scripts == {"LATIN"} for scripts in others):
        return LOOKALIKE % {"word": imitations[0]}
    return None


def clean_names(instance: Any, stems: tuple[str, ...]) -> None:
    """For a model's clean(): each of `stems` and its per-language columns, made NFC (a name
    typed with combining accents then equals the same name typed precomposed), and refused with
    the field named if it has a problem. Errors are not attached to a field: which columns a
    form shows (the admin shows the per-language ones) is the form's business."""
    fields = {field.name: field for field in instance._meta.concrete_fields}
    errors = []
    for name, field in fields.items():
        if not any(name == stem or name.startswith(f"{stem}_") for stem in stems):
            continue
        value = getattr(instance, name)
        if not isinstance(value, str) or not value:
            continue
        value = unicodedata.normalize("NFC", value)
        setattr(instance, name, value)
        problem = name_problem(value)
        if problem is not None:
            errors.append(
                ValidationError(
                    _("%(field)s %(problem)s."),
                    code="unsafe_name",
                    params={"field": field.verbose_name, "problem": problem},
                )
            )
    if errors:
        raise ValidationError({NON_FIELD_ERRORS: errors})


# The name fields of organisations and listings (with their per-language columns).
NAME_STEMS = ("name", "alternate_name")


def _is_name(column: str) -> bool:
    return any(column == stem or column.startswith(f"{stem}_") for stem in NAME_STEMS)


def proposed_name(field: Any, value: Any) -> Any:
    """For a value proposed for one field of a listing (a suggested edit), checked when it is
    made rather than only when a moderator applies it: a name is made NFC, and refused with the
    field named if it could imitate another; any other value is returned as it is."""
    if not isinstance(value, str) or not value or not _is_name(field.name):
        return value
    value = unicodedata.normalize("NFC", value)
    problem = name_problem(value)
    if problem is not None:
        raise ValidationError(
            {
                "proposed_value": ValidationError(
                    _("%(field)s %(problem)s."),
                    code="unsafe_name",
                    params={"field": field.verbose_name, "problem": problem},
                )
            }
        )
    return value


def unsafe_name(values: dict[str, Any]) -> tuple[str, str] | None:
    """For the HSDS import: (column, reason) for the first name or alternate name, in any
    language, that name_problem() refuses."""
    for column, text in values.items():
        if not isinstance(text, str) or not text:
            continue
        if _is_name(column):
            problem = name_problem(text)
            if problem is not None:
                return column, str(problem)
    return None
