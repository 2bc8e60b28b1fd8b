from django.db import models
from django.utils.translation import gettext_lazy as _

from services.models.base import HsdsRecord


class Taxonomy(HsdsRecord):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsRecord):
    """A need or kind of help. Our vocabulary maps each term to its Open Eligibility code."""

    taxonomy = models.ForeignKey(
        Taxonomy,
        verbose_name=_("taxonomy"),
        on_delete=models.PROTECT,
        related_name="terms",
        null=True,
        blank=True,
    )
    code = models.CharField(_("code"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    term_uri = models.URLField(_("term URI"), blank=True)
    open_eligibility_code = models.CharField(_("Open Eligibility code"), max_length=100, blank=True)
    # Words people type rather than the label ("abogado", "lawyer"), in any language; they go into
    # the search vector of every service tagged with the term.
    keywords = models.TextField(
        _("search keywords"),
        blank=True,
        help_text=_("Other words people use for this need, in any language, separated by spaces."),
    )

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
