"""Site-wide template helpers: the language switch keeps the visitor on the same page, and the
quick exit knows where to go."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from config.languages import OWN_NAMES

register = template.Library()

# A neutral page that looks like any everyday search. Overridable per deployment (for example a
# local weather or news site) through the QUICK_EXIT_URL setting; one per interface language so
# that the page left behind matches what the visitor reads.
DEFAULT_QUICK_EXIT_URLS = {
    "es": "https://www.google.com/search?q=clima",
    "en": "https://www.google.com/search?q=weather",
    "pt": "https://www.google.com/search?q=previs%C3%A3o+do+tempo",
    "fr": "https://www.google.com/search?q=m%C3%A9t%C3%A9o",
    # French is the other language of Haiti's weather reports and search results.
    "ht": "https://www.google.com/search?q=m%C3%A9t%C3%A9o",
}


def quick_exit_target(lang: str | None = None) -> str:
    lang = lang or get_language() or settings.LANGUAGE_CODE
    configured = getattr(settings, "QUICK_EXIT_URL", None)
    if isinstance(configured, str) and configured:
        return configured
    if isinstance(configured, dict) and configured.get(lang):
        return configured[lang]
    return DEFAULT_QUICK_EXIT_URLS.get(lang, DEFAULT_QUICK_EXIT_URLS["en"])


@register.simple_tag
def quick_exit_url() -> str:
    return quick_exit_target()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per interface language to this page in that language, named in that language.

    The query string is dropped on purpose: search terms must not be carried into a new URL.
    """
    request = context.get("request")
    path = request.path if request else "/"
    current = context.get("LANGUAGE_CODE")
    return [
        {
            "code": code,
            "name": OWN_NAMES[code],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
