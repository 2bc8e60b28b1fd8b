"""Site-wide template helpers: the language switch keeps the visitor on the same page."""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


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
