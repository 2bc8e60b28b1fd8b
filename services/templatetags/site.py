"""Site-wide template helpers: the language switch keeps the visitor on the same page, and the
quick exit knows where to go."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()

# A neutral page that looks like any everyday search. Overridable per deployment (for example a
# local weather or news site) through the QUICK_EXIT_URL setting; one per interface language so
# that the page left behind matches what the visitor reads.
DEFAULT_QUICK_EXIT_URLS = {
    "es": "https://www.google.com/search?q=clima",
    "en": "https://www.google.com/search?q=weather",
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
    """One link per interface language to this page in that language.

    The query string is dropped on purpose: search terms must not be carried into a new URL.
    """
    request = context.get("request")
    path = request.path if request else "/"
    current = context.get("LANGUAGE_CODE")
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
