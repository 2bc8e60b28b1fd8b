"""Audit of sign-in steps that Django signals. Second-factor steps are audited in views/auth.py."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

import audit


@receiver(user_login_failed, dispatch_uid="enlace_audit_signin_failed")
def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Names the account when it exists; when it does not, the typed name is not kept anywhere
    (it is often a password typed into the wrong field)."""
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
