from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A place in the hierarchy country → first-level subdivision → municipality.

    Codes are ISO 3166-1 alpha-2 for countries and ISO 3166-2 for subdivisions; municipalities use
    their subdivision's code plus a GeoNames id ("CO-NSA-3685533"). Names are per language
    (translation.py) because "Perú" and "Peru" must both be found and shown.
    """

    class Level(models.IntegerChoices):
        COUNTRY = 0, _("country")
        SUBDIVISION = 1, _("state, department or province")
        MUNICIPALITY = 2, _("municipality or city")

    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    country_code = models.CharField(_("country code"), max_length=2, db_index=True)
    centre = models.PointField(_("centre"), geography=True, srid=4326, null=True, blank=True)
    area = models.MultiPolygonField(_("area"), geography=True, srid=4326, null=True, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Lower-case, accent-free names and aliases ("cucuta", "bogota dc", "tx"), filled by
    # services.search.places.search_names_for(); what the offline gazetteer matches typed places on.
    search_names = ArrayField(
        models.CharField(max_length=200), verbose_name=_("search names"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["level", "code"]
        indexes = [
            models.Index(fields=["parent", "level"]),
            GinIndex(fields=["search_names"], name="region_search_names_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def ancestors_and_self(self) -> list["Region"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class PostalCode(models.Model):
    """A postal code (the United States' ZIP codes) with its centre and the town it belongs to,
    so that "77002" typed as a place finds Houston. Derived from offline data by load_regions;
    deleted with its town."""

    country_code = models.CharField(_("country code"), max_length=2)
    code = models.CharField(_("postal code"), max_length=12)
    # The post office's town name, as the postal data spells it ("Houston").
    name = models.CharField(_("name"), max_length=200)
    centre = models.PointField(_("centre"), geography=True, srid=4326)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="postal_codes",
    )

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        constraints = [
            models.UniqueConstraint(fields=["country_code", "code"], name="postal_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.country_code})"
