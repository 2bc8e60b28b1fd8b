"""The language Enlace writes to a member in.

Invariant: the answer is always one of settings.LANGUAGES, whatever is stored (a language later
removed from the settings falls back to the site's default), so a caller can pass it straight to
`translation.override`.
"""

from typing import Any

from django.conf import settings


def recipient_language(user: Any) -> str:
    """Return the language to write to `user` in: their choice, else the site's default."""
    chosen = getattr(user, "language", "") or ""
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE
