"""HSDS objects that hang off organisations, services, locations or services at locations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.hours import validate_schedule
from services.models.base import HsdsRecord, Translated


def _owner(model: str, related_name: str, label: str) -> models.ForeignKey:
    return models.ForeignKey(
        f"services.{model}",
        verbose_name=label,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
    )


class Contact(HsdsRecord):
    """A public contact of an organisation or service (never a client)."""

    organization = _owner("Organization", "contacts", _("organization"))
    service = _owner("Service", "contacts", _("service"))
    service_at_location = _owner("ServiceAtLocation", "contacts", _("service at location"))
    location = _owner("Location", "contacts", _("location"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")


class Phone(HsdsRecord, Translated):
    class PhoneType(models.TextChoices):
        TEXT = "text", _("text (SMS)")
        VOICE = "voice", _("voice")
        FAX = "fax", _("fax")
        CELL = "cell", _("cell")
        VIDEO = "video", _("video")
        PAGER = "pager", _("pager")
        TEXTPHONE = "textphone", _("textphone")

    location = _owner("Location", "phones", _("location"))
    service = _owner("Service", "phones", _("service"))
    organization = _owner("Organization", "phones", _("organization"))
    contact = _owner("Contact", "phones", _("contact"))
    service_at_location = _owner("ServiceAtLocation", "phones", _("service at location"))
    number = models.CharField(_("number"), max_length=50)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=PhoneType.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Our extensions: messaging apps on the same number, and the intake line of a confidential
    # location (the only phone the public sees for it).
    whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    is_intake = models.BooleanField(_("intake line"), default=False)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        """Store the number as E.164, read with its owner's country (services/phones.py)."""
        from services import phones

        super().clean()
        try:
            self.number = phones.normalise(self.number, phones.owner_country(self))
        except ValidationError as error:
            raise ValidationError({"number": error}) from None


class Schedule(HsdsRecord, Translated):
    """Opening hours as an iCalendar recurrence (HSDS 3.0)."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("weekly")
        MONTHLY = "MONTHLY", _("monthly")

    class Weekday(models.TextChoices):
        MO = "MO", _("Monday")
        TU = "TU", _("Tuesday")
        WE = "WE", _("Wednesday")
        TH = "TH", _("Thursday")
        FR = "FR", _("Friday")
        SA = "SA", _("Saturday")
        SU = "SU", _("Sunday")

    service = _owner("Service", "schedules", _("service"))
    location = _owner("Location", "schedules", _("location"))
    service_at_location = _owner("ServiceAtLocation", "schedules", _("service at location"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first day"), null=True, blank=True)
    timezone = models.FloatField(_("UTC offset"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    wkst = models.CharField(_("week start"), max_length=2, choices=Weekday.choices, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=100, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=100, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("schedule link"), blank=True)
    attending_type = models.TextField(_("how to attend"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def clean(self) -> None:
        super().clean()
        validate_schedule(self)


class Language(HsdsRecord, Translated):
    """A language spoken at a service, location or on a phone line; `note` is per language
    ("French: call ahead")."""

    service = _owner("Service", "languages", _("service"))
    location = _owner("Location", "languages", _("location"))
    phone = _owner("Phone", "languages", _("phone"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=10, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Attribute(HsdsRecord):
    """Links a taxonomy term to any HSDS record (HSDS 3.0's way to tag services with needs)."""

    link_id = models.UUIDField(_("linked record id"))
    link_type = models.CharField(_("link type"), max_length=200, blank=True)
    link_entity = models.CharField(_("linked record type"), max_length=50)
    taxonomy_term = models.ForeignKey(
        "services.TaxonomyTerm",
        verbose_name=_("taxonomy term"),
        on_delete=models.PROTECT,
        related_name="attributes",
    )
    value = models.TextField(_("value"), blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [
            models.Index(fields=["link_entity", "link_id"]),
            models.Index(fields=["taxonomy_term", "link_entity"]),
        ]


class Metadata(HsdsRecord):
    """A change to a record: HSDS's metadata object, plus where the change came from."""

    resource_id = models.UUIDField(_("record id"), db_index=True)
    resource_type = models.CharField(_("record type"), max_length=50)
    last_action_date = models.DateTimeField(_("date"))
    last_action_type = models.CharField(_("action"), max_length=50)
    field_name = models.CharField(_("field"), max_length=100, blank=True)
    previous_value = models.TextField(_("previous value"), blank=True)
    replacement_value = models.TextField(_("new value"), blank=True)
    updated_by = models.CharField(_("updated by"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    import_run = models.ForeignKey(
        "services.ImportRun",
        verbose_name=_("import run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metadata",
    )

    class Meta:
        verbose_name = _("metadata")
        verbose_name_plural = _("metadata")
