"""Readable names of audit actions. Apps add theirs with `register`; an action without a label
shows its code."""

from typing import Any

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Any] = {
    "accounts.password_accepted": _("password accepted (second factor next)"),
    "accounts.signin_failed": _("sign-in failed"),
    "accounts.signin_failures_counted": _("failed sign-ins from one address, counted"),
    "accounts.signed_in": _("signed in"),
    "accounts.second_factor_failed": _("wrong second-factor code"),
    "accounts.signed_out": _("signed out"),
    "accounts.two_factor_enrolled": _("authenticator app enrolled"),
    "accounts.backup_codes_created": _("new backup codes made"),
    "accounts.password_changed": _("password changed"),
    "accounts.password_reset": _("password reset by e-mail"),
    "accounts.account_created": _("account created from an invitation"),
    "accounts.invitation_created": _("invitation sent"),
    "accounts.invitation_accepted": _("invitation accepted"),
    "accounts.invitation_revoked": _("invitation withdrawn"),
    "accounts.member_added": _("member added"),
    "accounts.role_changed": _("role changed"),
    "accounts.member_deactivated": _("member deactivated"),
    "accounts.member_reactivated": _("member reactivated"),
    "accounts.api_token_issued": _("API token made"),
    "accounts.api_token_revoked": _("API token revoked"),
    "accounts.api_token_refused": _("API token refused"),
}


def register(labels: dict[str, Any]) -> None:
    _LABELS.update(labels)


def label(action: str) -> Any:
    return _LABELS.get(action, action)


def known_actions() -> list[tuple[str, Any]]:
    return sorted(_LABELS.items())
