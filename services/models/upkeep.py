"""Keeping listings true: verifications, weekly reminders to organisation admins and
suggested edits waiting for moderation. None of these rows holds anything about a visitor: an
anonymous report is a kind and a listing, nothing more."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationMethod(models.TextChoices):
    PHONE = "phone", _("phone call")
    VISIT = "visit", _("visit")
    ORGANIZATION = "organization", _("confirmed by the organisation")
    IMPORT = "import", _("trusted import")


class Verification(models.Model):
    """One check that a listing is still true; the service keeps a copy of the latest."""

    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    verified_at = models.DateTimeField(_("verified at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("how"), max_length=20, choices=VerificationMethod.choices)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-verified_at"]

    def __str__(self) -> str:
        return f"{self.service_id} · {self.verified_at:%Y-%m-%d} · {self.method}"


class VerificationReminder(models.Model):
    """The weekly e-mail to one organisation admin: one row per admin and week (the unique
    constraint is what makes a second run of the task in the same week send nothing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    week = models.DateField(_("week starting"))
    listings = models.PositiveIntegerField(_("listings due"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification reminder")
        verbose_name_plural = _("verification reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="reminder_one_per_admin_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.week}"


class Suggestion(models.Model):
    """A suggested edit waiting for an organisation admin or a steward."""

    class Kind(models.TextChoices):
        PHONE_NOT_WORKING = "phone_not_working", _("this number does not work")
        CLOSED = "closed", _("this place has closed")
        FIELD_CHANGE = "field_change", _("change to a field")
        PHONE_CHANGE = "phone_change", _("new or changed phone number")
        HOURS_CHANGE = "hours_change", _("changed opening hours")
        ADDRESS_CHANGE = "address_change", _("changed address")

    class Source(models.TextChoices):
        PUBLIC = "public", _("anonymous visitor")
        STAFF = "staff", _("staff member")

    class Status(models.TextChoices):
        OPEN = "open", _("to review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        VISIT = "visit", _("visit requested")

    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    phone = models.ForeignKey(
        "services.Phone",
        verbose_name=_("phone"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The address a changed address replaces (a phone change names its number in `phone`, or
    # none for a new number). Neither is deleted with the suggestion: SET_NULL keeps the queue.
    address = models.ForeignKey(
        "services.Address",
        verbose_name=_("address"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    field_name = models.CharField(_("field"), max_length=100, blank=True)
    previous_value = models.TextField(_("value when suggested"), blank=True)
    proposed_value = models.TextField(_("proposed value"), blank=True)
    # A change to a listing's phones, hours or address, already checked when it was suggested and
    # checked again when it is accepted: {"number": …}, {"days": {"MO": ["08:00", "17:00"]}} or
    # {"address_1": …, "city": …, "state_province": …, "postal_code": …}.
    proposed_data = models.JSONField(_("proposed details"), default=dict, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggested edit")
        verbose_name_plural = _("suggested edits")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "service"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.service_id}"

    @property
    def changes_rows(self) -> bool:
        """Whether it changes a phone, the hours or an address rather than a listing's field."""
        return self.kind in ROW_KINDS

    @property
    def field_label(self) -> str:
        """The changed field in the reader's words (its verbose name), not its code name."""
        from django.core.exceptions import FieldDoesNotExist

        # The service model through the foreign key: models.services imports this module.
        service_model = self._meta.get_field("service").related_model
        try:
            return str(service_model._meta.get_field(self.field_name).verbose_name)
        except FieldDoesNotExist:
            return self.field_name


ROW_KINDS = frozenset(
    {
        Suggestion.Kind.PHONE_CHANGE,
        Suggestion.Kind.HOURS_CHANGE,
        Suggestion.Kind.ADDRESS_CHANGE,
    }
)
