"""Audit of sign-in steps that Django signals (second-factor steps are audited in views/auth.py),
and the end of a member's API tokens when their password changes (or is reset), their account is
deactivated, or their second factor is deleted or replaced (which deletes the old one), by
whichever path: pages, the admin, the shell."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

import audit
from accounts import signin_noise, tokens
from accounts.models import ApiToken


@receiver(user_login_failed, dispatch_uid="enlace_audit_signin_failed")
def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Names the account when it exists; when it does not, the typed name is not kept anywhere
    (it is often a password typed into the wrong field). Past the first few failures of an
    address in an hour, only counts are audited (accounts.signin_noise)."""
    decision = signin_noise.note_failure(request) if request is not None else None
    if decision is not None and decision.kind == "nothing":
        return
    if decision is not None and decision.kind == "count":
        audit.record(
            actor=None,
            action="accounts.signin_failures_counted",
            request=request,
            details={"address": decision.address, "hour": decision.hour, "count": decision.count},
        )
        return
    typed = credentials.get("username")
    account = (
        get_user_model().objects.filter(username=typed).values_list("pk", flat=True).first()
        if typed
        else None
    )
    audit.record(
        actor=account,
        action="accounts.signin_failed",
        request=request,
        details={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_logged_in, dispatch_uid="enlace_audit_password_accepted")
def record_password_accepted(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action="accounts.password_accepted", request=request)


@receiver(user_logged_out, dispatch_uid="enlace_audit_signed_out")
def record_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="accounts.signed_out", request=request)


# --- staff API tokens die with the password and with the account ------------------------------


_TOKEN_FIELDS = frozenset({"password", "is_active"})


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="enlace_tokens_before_save")
def note_password_or_activity_change(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """Compares with the stored row whichever path saves the user (pages, admin, shell)."""
    instance._enlace_tokens_die = None
    if instance.pk is None or (
        update_fields is not None and not _TOKEN_FIELDS & set(update_fields)
    ):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        instance._enlace_tokens_die = ApiToken.RevokedBecause.DEACTIVATED
    elif before["password"] != instance.password:
        instance._enlace_tokens_die = ApiToken.RevokedBecause.PASSWORD


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="enlace_tokens_after_save")
def revoke_tokens_after_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    because = getattr(instance, "_enlace_tokens_die", None)
    if because:
        instance._enlace_tokens_die = None
        tokens.revoke_all(user_id=instance.pk, because=because)


def _second_factor_gone(sender: Any, instance: Any, **kwargs: Any) -> None:
    tokens.revoke_all(user_id=instance.user_id, because=ApiToken.RevokedBecause.SECOND_FACTOR)


def connect_device_signals() -> None:
    """Called from AppConfig.ready(): django_otp's models are loaded by then."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_delete.connect(
        _second_factor_gone, sender=TOTPDevice, dispatch_uid="enlace_tokens_device_deleted"
    )
