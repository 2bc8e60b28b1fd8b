import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from accounts import backup_codes


class User(AbstractUser):
    """A staff member. Visitors and clients never have accounts."""

    email = models.EmailField(_("e-mail address"), unique=True)
    # What the member reads their e-mails in; pages follow the language in the URL instead.
    language = models.CharField(
        _("language for e-mails"),
        max_length=7,
        choices=settings.LANGUAGES,
        default="es",
        help_text=_("Notices about referrals are written to you in this language."),
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")


class Role(models.TextChoices):
    """A member's job in one organisation. Operators are superusers and need no role."""

    CASEWORKER = "caseworker", _("caseworker")
    HOTLINE = "hotline", _("hotline staff")
    INTAKE = "intake", _("intake staff")
    ORG_ADMIN = "org_admin", _("organisation admin")
    STEWARD = "steward", _("directory steward")
    # Funders and observers: report counts only, never a listing to edit or a referral.
    OBSERVER = "observer", _("funder or observer (counts only)")


class Membership(models.Model):
    """A user's role in one organisation of the directory. Deactivated, never deleted, so that
    the audit log's ids keep pointing somewhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # The number an organisation that received this member's referral calls back on. Shown only
    # to the receiving side of those referrals (referrals.views), the member and their admins.
    work_phone = models.CharField(_("work phone"), max_length=50, blank=True)
    # A sensitive role (intake: it opens clients' contact details) counts only once a second
    # person confirmed it; until then the member has no role's rights in this organisation.
    role_confirmed = models.BooleanField(_("role confirmed"), default=True)
    role_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("role granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("role confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role_confirmed_at = models.DateTimeField(_("role confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_per_organization"
            )
        ]
        indexes = [models.Index(fields=["organization", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


def hash_token(token: str) -> str:
    """Invitation tokens are 256 random bits: a plain SHA-256 is enough to make a stolen table
    useless, and lets the link be found by an index."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def by_token(self, token: str) -> "Invitation | None":
        return self.usable().filter(token_hash=hash_token(token)).first() if token else None


class Invitation(models.Model):
    """An expiring, single-use link that makes its holder a member. Only the token's hash is
    stored; the token itself exists only in the e-mail."""

    organization = models.ForeignKey(
        "services.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} · {self.organization}"

    @property
    def status(self) -> Any:
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("pending")

    @property
    def is_pending(self) -> bool:
        return not (self.accepted_at or self.revoked_at) and self.expires_at > timezone.now()


class Scope(models.TextChoices):
    """What a staff API token may do. Reading contact details is a scope of its own."""

    REFERRALS_READ = "referrals:read", _("read referrals")
    REFERRALS_WRITE = "referrals:write", _("make and move referrals")
    HANDOFF_READ = "handoff:read", _("open clients' contact details")
    REPORTS_READ = "reports:read", _("download report counts")


# handoff:read tokens are short-lived: a lost script or laptop must not read contact details for
# a month.
HANDOFF_TOKEN_MAX_DAYS = 7


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the staff API, issued from a session signed in with two factors; it
    stands in for that session. Only the SHA-256 of the token is kept (256 random bits need no
    slow hash); its first characters are kept too, so that its holder can tell tokens apart."""

    class RevokedBecause(models.TextChoices):
        HOLDER = "holder", _("revoked by its holder")
        PASSWORD = "password_changed", _("the password changed")
        DEACTIVATED = "deactivated", _("the account was deactivated")
        SECOND_FACTOR = "second_factor", _("the second factor changed")
        MEMBERSHIP = "membership_removed", _("a membership was removed")
        ROLE = "role_changed", _("a role changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=80)
    # Space-separated Scope values (as in OAuth 2.0).
    scopes = models.CharField(_("scopes"), max_length=100, default="referrals:read")
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Django's session hash of the password at issue time: a token dies with the password even
    # when the password is changed by a path that sends no signal (a queryset update).
    password_fingerprint = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(
        _("revoked because"), max_length=20, choices=RevokedBecause.choices, blank=True
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def allows(self, scope: str) -> bool:
        return scope in self.scope_set

    @property
    def status(self) -> Any:
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("active")


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A member's backup codes, as one django-otp device. django-otp's StaticToken keeps each
    code plain (in 16 characters, too short for a hash), so the codes live here as keyed hashes
    (accounts/backup_codes.py). Each code works once; wrong codes are throttled like the app's."""

    class Meta:
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token: str) -> bool:
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        found = backup_codes.find(list(self.codes.values_list("pk", "code_hash")), token)
        # The delete decides: of two sign-ins racing with the same code, only one removes it.
        if found is not None and BackupCode.objects.filter(pk=found).delete()[0] == 1:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    """One unused backup code, as its keyed hash; deleted when used."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self) -> str:
        return f"{self.device_id} · {self.pk}"  # never the hash
