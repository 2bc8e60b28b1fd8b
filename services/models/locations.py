from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.confidential import point_for_public
from services.models.base import HsdsRecord, Translated


class Location(HsdsRecord, Translated):
    """A place where services are delivered.

    Confidential locations (shelters whose address must stay secret): `point` and the addresses are
    known to verified partners only; everyone else gets `public_point`, a deterministic coarse
    point (see services/confidential.py), the region and an intake phone. Every public distance
    filter and sort uses `public_point`, never `point`.
    """

    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("physical")
        POSTAL = "postal", _("postal")
        VIRTUAL = "virtual", _("virtual")

    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="locations",
        null=True,
        blank=True,
    )
    location_type = models.CharField(
        _("location type"),
        max_length=10,
        choices=LocationType.choices,
        default=LocationType.PHYSICAL,
    )
    url = models.URLField(_("website"), blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=200, blank=True)
    external_identifier_type = models.CharField(
        _("external identifier type"), max_length=200, blank=True
    )

    is_confidential = models.BooleanField(
        _("confidential location"),
        default=False,
        help_text=_(
            "A confidential shelter: its street address and exact position are shown only to staff "
            "of verified partner organisations. The public sees the municipality, a point about "
            "5 km wide that never changes, and the intake phone."
        ),
    )
    point = models.PointField(_("exact position"), geography=True, srid=4326, null=True, blank=True)
    public_point = models.PointField(
        _("public position"), geography=True, srid=4326, null=True, blank=True, editable=False
    )
    region = models.ForeignKey(
        "services.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_confidential=False) | models.Q(location_type="physical"),
                name="location_only_physical_can_be_confidential",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.point is not None:
            lon, lat = float(self.point.x), float(self.point.y)
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                errors["point"] = ValidationError(
                    _(
                        "Coordinates out of range: latitude must be between -90 and 90 and "
                        "longitude between -180 and 180."
                    ),
                    code="coordinates_range",
                )
        if self.is_confidential and self.location_type != self.LocationType.PHYSICAL:
            errors["is_confidential"] = ValidationError(
                _("Only a physical location can be confidential."), code="confidential_type"
            )
        if self.time_zone:
            try:
                ZoneInfo(self.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                errors["time_zone"] = ValidationError(
                    _("Unknown time zone “%(zone)s”."),
                    code="time_zone",
                    params={"zone": self.time_zone},
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The public position is derived on every save, so that no path can store a confidential
        # location with its exact point in `public_point`.
        self.public_point = point_for_public(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"point", "is_confidential"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "public_point"}
        super().save(*args, **kwargs)


class Address(HsdsRecord):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("physical")
        POSTAL = "postal", _("postal")
        VIRTUAL = "virtual", _("virtual")

    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="addresses"
    )
    attention = models.CharField(_("attention"), max_length=200, blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=300)
    address_2 = models.CharField(_("address line 2"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=200)
    region = models.CharField(_("area within the city"), max_length=200, blank=True)
    state_province = models.CharField(_("state or province"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=30, blank=True)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        _("address type"), max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")


class ServiceAtLocation(HsdsRecord, Translated):
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="service_at_locations",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="service_at_locations",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]


class Accessibility(HsdsRecord, Translated):
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="accessibility"
    )
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("URL"), blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")
