"""The interface languages: their codes, their own names, and what Django lacks to speak them.

Invariants:
- One code per language for both the interface and the directory content (`pt`, not `pt-br`):
  a page in `/pt/` reads the `*_pt` content columns, and a referral's client language is a
  valid interface language for the slip.
- Every interface language has LANG_INFO (Django ships none for Haitian Creole), so
  `get_language_info`, `{% get_language_info %}` and the language switch work for all of them.
- The switch names each language in that language, never in the language of the page.
"""

import django.conf.locale


def gettext_noop(message: str) -> str:
    """Mark `message` for makemessages, untranslated. Django's own gettext_noop reads the settings,
    which are still loading when the settings module imports this one."""
    return message


# The order of the language switch. The names are marked for translation only so that a page can
# say "Portuguese" in its own language (a member's e-mail language choice); the switch itself uses
# OWN_NAMES.
INTERFACE_LANGUAGES = [
    ("es", gettext_noop("Spanish")),
    ("en", gettext_noop("English")),
    ("pt", gettext_noop("Portuguese")),
    ("fr", gettext_noop("French")),
    ("ht", gettext_noop("Haitian Creole")),
]

# Django's own LANG_INFO names are lower case for some languages ("español", "français"); a
# menu item starts with a capital in all five.
OWN_NAMES = {
    "es": "Español",
    "en": "English",
    "pt": "Português",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
}

HAITIAN_CREOLE = {
    "bidi": False,
    "code": "ht",
    "name": "Haitian Creole",
    "name_local": "Kreyòl ayisyen",
}


def install_language_info() -> None:
    """Add Haitian Creole to Django's LANG_INFO (idempotent)."""
    django.conf.locale.LANG_INFO.setdefault("ht", HAITIAN_CREOLE)
