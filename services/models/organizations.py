from django.db import models
from django.utils.translation import gettext_lazy as _

from services.models.base import HsdsRecord, Translated
from services.validators import clean_names


class Organization(HsdsRecord, Translated):
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    tax_status = models.CharField(_("tax status"), max_length=100, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("year incorporated"), null=True, blank=True
    )
    legal_status = models.CharField(_("legal status"), max_length=100, blank=True)
    logo = models.URLField(_("logo"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    parent_organization = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_organizations",
    )
    # Our extension: partner organisations verified by a steward may see confidential locations
    # and take part in referrals.
    is_verified_partner = models.BooleanField(_("verified partner"), default=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # A name that imitates another organisation's is refused (services/validators.py).
        clean_names(self, ("name", "alternate_name"))


class OrganizationIdentifier(HsdsRecord):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="organization_identifiers",
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=100, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=200)
    identifier = models.CharField(_("identifier"), max_length=200)

    class Meta:
        verbose_name = _("organization identifier")
        verbose_name_plural = _("organization identifiers")


class Program(HsdsRecord, Translated):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="programs",
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name


class Funding(HsdsRecord):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
