"""What every HSDS record shares: a UUID id (as in HSDS) and edit timestamps."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class HsdsRecord(models.Model):
    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class ContentLanguage(models.TextChoices):
    """Languages directory content may be written in (our HSDS extension `content_language`)."""

    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    PORTUGUESE = "pt", _("Portuguese")
    FRENCH = "fr", _("French")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")


class Translated(models.Model):
    """Records whose texts are stored per language (django-modeltranslation columns
    `<field>_<lang>`) and fall back to the language they were written in.

    `localized(field, lang)` returns the text and the language it is actually in, so that pages can
    label text shown in another language than the page's ("Solo disponible en inglés").
    """

    content_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.SPANISH,
        help_text=_(
            "The language the texts were first written in; used when a translation is missing."
        ),
    )

    class Meta:
        abstract = True

    def localized(self, field: str, lang: str) -> tuple[str, str]:
        for candidate in (lang, self.content_language, "es", "en"):
            value = getattr(self, f"{field}_{candidate}", None)
            if value:
                return value, candidate
        return "", lang
