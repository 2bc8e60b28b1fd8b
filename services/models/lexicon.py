from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchWord(models.Model):
    """A word that occurs in some listing's name or in a taxonomy label: the typo fallback finds
    the nearest of these by trigrams ("albege" → "albergue") and searches again with it. Kept by
    enlace_refresh_services(); a bounded vocabulary, so typo look-ups stay fast at any size."""

    word = models.CharField(_("word"), max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="searchword_trgm_gin")]

    def __str__(self) -> str:
        return self.word
