from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from services.models.base import HsdsRecord, Translated
from services.models.upkeep import VerificationMethod
from services.querysets import ServiceQuerySet
from services.validators import clean_names


class Population(models.TextChoices):
    """Who a service serves (our HSDS extension `populations`)."""

    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    TRANS_NONBINARY = "trans_nonbinary", _("Trans and non-binary people")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    MINORS_WITH_GUARDIAN = "minors_with_guardian", _("Minors with a guardian")
    MINORS_UNACCOMPANIED = "minors_unaccompanied", _("Unaccompanied minors")
    FAMILIES = "families", _("Families")


class Service(HsdsRecord, Translated):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    program = models.ForeignKey(
        "services.Program",
        verbose_name=_("program"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    # Printed on the client's referral slip instead of the name: a slip found by the wrong
    # person must not say "shelter for trafficking survivors". Empty: the slip shows the phone.
    slip_name = models.CharField(
        _("name on the client's slip"),
        max_length=60,
        blank=True,
        help_text=_(
            "A neutral first name for the client's printed slip, e.g. “Casa Ana”. It must not "
            "say what the service does. Leave it empty to print only the phone."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.CharField(_("wait time"), max_length=200, blank=True)
    fees = models.TextField(_("fees (legacy)"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("assured on"), null=True, blank=True)
    assurer_email = models.EmailField(_("assurer e-mail"), blank=True)
    licenses = models.TextField(_("licenses"), blank=True)
    alert = models.TextField(_("alert"), blank=True)

    # Our extensions (documented in services/hsds/EXTENSIONS.md).
    populations = ArrayField(
        models.CharField(max_length=30, choices=Population.choices),
        verbose_name=_("populations served"),
        default=list,
        blank=True,
    )
    immigration_status_not_asked = models.BooleanField(
        _("immigration status not asked"), default=False
    )
    no_id_required = models.BooleanField(_("no ID needed"), default=False)
    is_free = models.BooleanField(_("free"), default=False)
    open_24_7 = models.BooleanField(_("open 24/7"), default=False)
    trafficking_specialised = models.BooleanField(_("specialised in trafficking"), default=False)
    # Whether an adult may come with their children (None: the listing does not say), and the
    # oldest child's age it takes (None: any age under 18). A hotline asks both on every call
    # from a parent.
    takes_children = models.BooleanField(
        _("takes children with their parent"), null=True, blank=True
    )
    children_max_age = models.PositiveSmallIntegerField(
        _("oldest child's age taken"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(17)],
    )
    capacity_available = models.PositiveIntegerField(
        _("free beds or places"), null=True, blank=True
    )
    capacity_total = models.PositiveIntegerField(_("total beds or places"), null=True, blank=True)
    capacity_unit = models.CharField(_("capacity unit"), max_length=50, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated at"), null=True, blank=True)
    last_verified_at = models.DateTimeField(
        _("last verified at"), null=True, blank=True, db_index=True
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_verified_method = models.CharField(
        _("last verified how"),
        max_length=20,
        choices=VerificationMethod.choices,
        blank=True,
    )

    # Search columns, derived from the service's locations, areas, languages, schedules and
    # terms by the SQL function enlace_refresh_services() (services/search/index.py); never edited
    # by hand. Positions are PUBLIC points only (confidential.py).
    # spatial_index=False: the GiST index is the named one in Meta.indexes (GeoDjango's own
    # would be a second, identical one, as big and maintained on every write).
    search_points = models.MultiPointField(
        _("public positions"),
        geography=True,
        srid=4326,
        null=True,
        blank=True,
        editable=False,
        spatial_index=False,
    )
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    language_codes = ArrayField(
        models.CharField(max_length=10), default=list, blank=True, editable=False
    )
    term_ids = ArrayField(models.UUIDField(), default=list, blank=True, editable=False)
    # Regions the service is in or serves, with all their ancestors; and the regions its service
    # areas name (a national hotline: the country).
    region_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    area_region_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    is_accessible = models.BooleanField(default=False, editable=False)
    time_zone = models.CharField(max_length=64, blank=True, editable=False)
    # Also open_week (int4multirange, minutes of the local week when open), added in SQL because
    # Django has no multirange field; only search/query.py reads it.

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            GistIndex(fields=["search_points"], name="service_search_points_gist"),
            GinIndex(fields=["search_vector"], name="service_search_vector_gin"),
            GinIndex(fields=["language_codes"], name="service_language_codes_gin"),
            GinIndex(fields=["term_ids"], name="service_term_ids_gin"),
            GinIndex(fields=["region_ids"], name="service_region_ids_gin"),
            GinIndex(fields=["area_region_ids"], name="service_area_region_ids_gin"),
            GinIndex(fields=["populations"], name="service_populations_gin"),
            # published(): a bare count becomes an index-only scan (an expression index
            # cannot serve one).
            models.Index(
                fields=["status", "last_verified_at", "created_at"],
                name="service_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_available__isnull=True)
                | models.Q(capacity_total__isnull=True)
                | models.Q(capacity_available__lte=models.F("capacity_total")),
                name="service_capacity_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # A name that imitates another listing's is refused (services/validators.py).
        clean_names(self, ("name", "alternate_name"))

    @property
    def freshness_at(self) -> Any:
        """When the listing's age counts from (querysets.FRESHNESS_SQL)."""
        return self.last_verified_at or self.created_at


class ServiceArea(HsdsRecord, Translated):
    """Where a service serves: a region (a national hotline serves its whole country) and
    optionally a drawn area."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="service_areas",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=20, blank=True)
    uri = models.URLField(_("URI"), blank=True)
    region = models.ForeignKey(
        "services.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_areas",
    )
    # Imports from HSDS may carry an area; it is kept as geography for coverage tests.
    area = models.MultiPolygonField(_("area"), geography=True, srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")


class CostOption(HsdsRecord, Translated):
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="cost_options"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("option"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_description = models.TextField(_("amount description"), blank=True)

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")


class RequiredDocument(HsdsRecord, Translated):
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    document = models.TextField(_("document"), blank=True)
    uri = models.URLField(_("URI"), blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
