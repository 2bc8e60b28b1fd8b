"""Referrals between organisations, their consent, the encrypted client handoff and the outbox.

Nothing here holds free text about a client except the sealed handoff (crypto.py). A referral's
consent is a chain of records: `Referral.consent` is the current one; a renewal adds a record
and never edits the one before it, so the history of what the client agreed to stays true.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.codes import new_code


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")
    CONNECTED = "connected", _("connected")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Statuses a referral never leaves; its handoff is purged on entering one.
TERMINAL = frozenset({Status.DECLINED, Status.EXPIRED, Status.CLOSED, Status.WITHDRAWN})
# Statuses in which the receiving intake may work with the client's contact details.
WORKING = frozenset({Status.ACCEPTED, Status.CONNECTED})


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    SOON = "soon", _("within a few days")
    URGENT = "urgent", _("urgent (today)")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    AGE_18_25 = "18_25", _("18 to 25")
    AGE_26_40 = "26_40", _("26 to 40")
    AGE_41_60 = "41_60", _("41 to 60")
    OVER_60 = "over_60", _("over 60")


class Gender(models.TextChoices):
    WOMAN = "woman", _("woman")
    MAN = "man", _("man")
    NON_BINARY = "non_binary", _("non-binary")
    OTHER = "other", _("another identity")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("no capacity")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    OUT_OF_AREA = "out_of_area", _("outside our area")
    SERVICE_NOT_OFFERED = "not_offered", _("service not offered")
    UNABLE_TO_CONTACT = "unable_to_contact", _("unable to contact")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    SERVED = "served", _("client served")
    CLIENT_DECLINED = "client_declined", _("client declined the service")
    NO_SHOW = "no_show", _("client did not come")
    REFERRED_ON = "referred_on", _("referred elsewhere")
    CONSENT_REVOKED = "consent_revoked", _("consent revoked")
    NO_OUTCOME = "no_outcome", _("no outcome recorded")
    OTHER = "other", _("other")


def _code() -> str:
    return new_code()


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(
        _("referral code"), max_length=16, unique=True, default=_code, editable=False
    )
    referring_organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    referring_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="referrals_made",
    )
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    location = models.ForeignKey(
        "services.Location",
        verbose_name=_("location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    # Copied from the service when sent, so that the inbox is one indexed filter.
    receiving_organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    needs = models.ManyToManyField(
        "services.TaxonomyTerm", verbose_name=_("needs"), related_name="referrals", blank=True
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    client_language = models.CharField(
        _("client's language"), max_length=2, choices=settings.CONTENT_LANGUAGES
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    # "With N children (ages)": how many come with the client and, if given, their ages; never
    # a name. Shown where the needs are (accounts.permissions.referral_view).
    children = models.PositiveSmallIntegerField(
        _("children with the client"), null=True, blank=True
    )
    children_ages = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("children's ages"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    decline_reason = models.CharField(
        _("decline reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # A double click or a retried request makes one referral: the form carries a fresh key.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    # The consent in force: the latest record. Older ones stay as the referral's history.
    consent = models.ForeignKey(
        "referrals.Consent",
        verbose_name=_("current consent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referring_user", "idempotency_key"],
                name="referral_idempotency_key_unique",
                condition=models.Q(idempotency_key__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["receiving_organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.code


class ReferralEvent(models.Model):
    """One transition. Each status is entered at most once (the constraint makes retries safe)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "to_status"], name="referral_event_status_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class Consent(models.Model):
    class Method(models.TextChoices):
        VERBAL = "verbal", _("verbal")
        WRITTEN = "written", _("written")
        DIGITAL = "digital", _("digital")

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone call")
        SMS = "sms", _("text message")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("e-mail")
        THROUGH_REFERRER = "referrer", _("only through the referring organisation")

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="consents"
    )
    shares_needs = models.BooleanField(_("needs may be shared"), default=True)
    shares_contact = models.BooleanField(_("contact details may be shared"), default=False)
    contact_channel = models.CharField(
        _("contact channel"), max_length=10, choices=Channel.choices, blank=True
    )
    method = models.CharField(_("how consent was given"), max_length=10, choices=Method.choices)
    explained_language = models.CharField(
        _("language it was explained in"), max_length=2, choices=settings.CONTENT_LANGUAGES
    )
    script_version = models.CharField(_("consent script version"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revocation recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_method = models.CharField(
        _("how it was revoked"), max_length=10, choices=Method.choices, blank=True
    )
    # Set by the beat task once it has acted on the expiry (shredded, told both sides, audited);
    # reads refuse an expired consent from `expires_at` alone, before the task runs.
    lapsed_at = models.DateTimeField(_("expiry acted on at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shares_contact=True) | models.Q(contact_channel=""),
                name="consent_channel_only_with_contact",
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_in_force(self, now=None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)


class HandoffKey(models.Model):
    """A handoff's data key, wrapped by the master key. Kept in a table of its own so that
    backups can leave it out (`make backup`): a dump then holds ciphertext it cannot open, and
    deleting this row shreds the handoff in every copy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wrapped_key = models.BinaryField(_("wrapped data key"))
    master_key_id = models.CharField(_("master key id"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handoff key")
        verbose_name_plural = _("handoff keys")

    def __str__(self) -> str:
        return str(self.id)


class ContactHandoff(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="handoff"
    )
    key = models.OneToOneField(
        HandoffKey,
        verbose_name=_("data key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handoff",
    )
    ciphertext = models.BinaryField(_("sealed contact details"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    purge_after = models.DateTimeField(_("purge after"), null=True, blank=True, db_index=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact handoff")
        verbose_name_plural = _("contact handoffs")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


class Outbox(models.Model):
    """A notification to an organisation, written in the same transaction as the change that
    caused it and delivered by Celery. It names the referral code and service, never the client."""

    class Kind(models.TextChoices):
        NEW_REFERRAL = "new", _("new referral")
        ACCEPTED = "accepted", _("referral accepted")
        DECLINED = "declined", _("referral declined")
        CONNECTED = "connected", _("client connected")
        CLOSED = "closed", _("referral closed")
        WITHDRAWN = "withdrawn", _("referral withdrawn")
        REVOKED = "revoked", _("consent revoked")
        EXPIRED = "expired", _("referral expired")
        CONSENT_EXPIRED = "lapsed", _("consent expired")
        CONSENT_RENEWED = "renewed", _("consent renewed")
        REMINDER = "reminder", _("referral waiting for an answer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("recipient organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind", "organization"], name="outbox_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.referral_id}"


class ReferralCount(models.Model):
    """What remains of old referrals once their retention period ends: counts, no rows.

    Each row counts referrals sent in one month that had the same organisations, place, kind of
    service and report outcome (referrals.counting); rows with a `need` count those referrals'
    needs, where their consent allowed (a referral with two needs is in two such rows and in one
    row with `need` blank). Reports read these beside the live referrals."""

    month = models.DateField(_("month"))
    referring_organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("referring organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    receiving_organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("receiving organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("first-level region"), max_length=10, blank=True)
    kind = models.CharField(_("kind of receiving service"), max_length=100, blank=True)
    counted_as = models.CharField(_("counted as"), max_length=40, blank=True)
    need = models.CharField(_("need"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("referral count")
        verbose_name_plural = _("referral counts")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "referring_organization",
                    "receiving_organization",
                    "status",
                    "outcome",
                    "country",
                    "region",
                    "kind",
                    "counted_as",
                    "need",
                ],
                name="referral_count_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status} {self.count}"


class CallOutcome(models.TextChoices):
    REFERRED = "referred", _("referred")
    INFORMATION = "information", _("information given")
    NO_SERVICE = "no_service", _("no service found")


class CallTally(models.Model):
    """One call a hotline answered, counted for the reports: the month, the caller's region,
    the need, the language and how the call ended.

    Nothing about the caller or the worker: no name, number, note, member or time of day. The
    month (its first day) is the finest time kept, so a tally cannot be matched to a phone
    company's record of one call. The primary key is the idempotency key of the form that made
    it, so a double tap counts once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"))
    region = models.ForeignKey(
        "services.Region",
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    need = models.ForeignKey(
        "services.TaxonomyTerm",
        verbose_name=_("need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices)

    class Meta:
        verbose_name = _("call tally")
        verbose_name_plural = _("call tallies")
        indexes = [models.Index(fields=["month", "organization"], name="call_tally_month_org")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.outcome}"


class CodeLookupCount(models.Model):
    """How many referral codes one member looked up in one throttle slot (a fixed stretch of
    time, referrals.desk.throttle). Kept in the database, where the look-up itself reads, so the
    throttle holds whenever a look-up can answer at all. Only the member's current slot is kept:
    older ones are deleted as the next is counted. No code, no referral, no result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    slot = models.BigIntegerField(_("time slot"))
    count = models.PositiveIntegerField(_("look-ups"), default=0)

    class Meta:
        verbose_name = _("code look-up count")
        verbose_name_plural = _("code look-up counts")
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="code_lookup_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.slot}: {self.count}"
