"""Staff API tokens: issuing, revoking, and checking one presented with a request.

A token stands in for a session signed in with two factors, so it is issued only from such a
session, and it dies with what that session would die with: the account deactivated, the
password changed or reset, the second factor deleted or enrolled again, a membership removed
or a role changed, the token revoked or expired. Authentication also checks that the user still
has a confirmed second factor. A token carries scopes (accounts.models.Scope): `handoff:read`,
the only one that opens contact details, is given only to intake staff and lasts 7 days at most.
Nothing here writes the token itself anywhere but the one response that shows it; audit events
name the token's row, never its value.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

import audit
from accounts import permissions
from accounts.lockout import client_address
from accounts.models import HANDOFF_TOKEN_MAX_DAYS, ApiToken, Scope, hash_token

PREFIX = "enl_"
# How many characters of the token (after PREFIX) are kept in clear to tell tokens apart.
SHOWN = 6
# Writing last_used_at on every request would make each API call a write; a minute is precise
# enough to answer "is this token still used?".
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, then gone


def _fingerprint_matches(user: Any, fingerprint: str) -> bool:
    """Compares with the session hash under the current key and any fallback key, as Django
    does for sessions, so rotating SECRET_KEY through SECRET_KEY_FALLBACKS keeps tokens alive."""
    if constant_time_compare(fingerprint, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(fingerprint, user._get_session_auth_hash(secret=fallback))
        for fallback in settings.SECRET_KEY_FALLBACKS
    )


def session_is_two_factor(request: Any) -> bool:
    """The request's own session passed the second factor (not a token standing in for one)."""
    user = getattr(request, "user", None)
    return bool(
        permissions.is_signed_in(user)
        and getattr(user, "otp_device", None) is not None
        and getattr(request, "auth", None) is None
    )


def may_mint(user: Any, scope: str) -> bool:
    """handoff:read only for intake staff (of a verified partner), reports:read for those who
    may view reports; the others for any member."""
    if scope == Scope.HANDOFF_READ:
        return bool(permissions.receiving_organization_ids(user))
    if scope == Scope.REPORTS_READ:
        return permissions.may_view_reports(user)
    return scope in Scope.values and permissions.may_use_staff_area(user)


@transaction.atomic
def issue_token(*, actor: Any, name: str, request: Any, scopes: Any = ()) -> Issued:
    if not session_is_two_factor(request) or request.user.pk != actor.pk:
        raise PermissionDenied
    if not permissions.may_use_staff_area(actor):
        raise PermissionDenied
    # Every token reads referrals: the other scopes act on referrals it must find first.
    wanted = sorted(set(scopes) | {Scope.REFERRALS_READ})
    if not all(may_mint(actor, scope) for scope in wanted):
        raise PermissionDenied
    days = settings.API_TOKEN_VALID_DAYS
    if Scope.HANDOFF_READ in wanted:
        days = min(days, HANDOFF_TOKEN_MAX_DAYS)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:80],
        scopes=" ".join(wanted),
        prefix=secret[: len(PREFIX) + SHOWN],
        token_hash=hash_token(secret),
        password_fingerprint=actor.get_session_auth_hash(),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action="accounts.api_token_issued",
        obj=token,
        request=request,
        details={"valid_days": days, "scopes": " ".join(wanted)},
    )
    return Issued(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken, request: Any = None) -> None:
    """Its holder revokes it (operators may revoke anyone's). Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not permissions.is_operator(actor):
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_because = ApiToken.RevokedBecause.HOLDER
    token.save(update_fields=["revoked_at", "revoked_because"])
    audit.record(
        actor=actor,
        action="accounts.api_token_revoked",
        obj=token,
        request=request,
        details={"because": token.revoked_because},
    )


def revoke_all(*, user_id: Any, because: str, actor: Any = None) -> int:
    """Every live token of the user dies (password changed or reset, account deactivated, second
    factor deleted or enrolled again, membership removed, role changed); each one is audited."""
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update().filter(user_id=user_id, revoked_at__isnull=True)
        )
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.revoked_because = because
            token.save(update_fields=["revoked_at", "revoked_because"])
            audit.record(
                actor=actor,
                action="accounts.api_token_revoked",
                obj=token,
                details={"because": because},
            )
    return len(tokens)


def _has_confirmed_device(user: Any) -> bool:
    """An authenticator app, confirmed: the factor the token stands in for (backup codes are a
    way back in to enrol a new one, not a factor a token may lean on)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def require_scope(request: Any, scope: str) -> bool:
    """A session (two factors) may do what its user may; a token only what its scopes say."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        return True
    return token.allows(scope)


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# A client sending bad tokens in a loop would otherwise write one row per request into the
# append-only audit log: one event per address, reason and token (if known) per window is kept.
REFUSAL_AUDIT_WINDOW_SECONDS = 60


def _first_refusal_in_window(reason: str, token: ApiToken | None, request: Any) -> bool:
    address = (client_address(request) or "") if request is not None else ""
    key = salted_hmac(
        "enlace.api_token_refused",
        f"{address}|{reason}|{token.pk if token else ''}",
        algorithm="sha256",
    ).hexdigest()[:32]
    slot = f"token-refused:{key}"
    if cache.add(slot, 1, REFUSAL_AUDIT_WINDOW_SECONDS):
        return True
    # The fail-soft cache answers False when Redis is down: no cache must not mean no audit.
    return not cache.has_key(slot)


def refuse(reason: str, *, token: ApiToken | None, request: Any) -> Refused:
    if _first_refusal_in_window(reason, token, request):
        audit.record(
            actor=token.user_id if token else None,
            action="accounts.api_token_refused",
            obj=token,
            request=request,
            details={"reason": reason},
        )
    return Refused(reason)


def authenticate(secret: str, *, request: Any) -> tuple[Any, ApiToken]:
    """The user and token for `secret`, or Refused (audited) with a reason code."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        raise refuse("malformed", token=None, request=request)
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None:
        raise refuse("unknown", token=None, request=request)
    user = token.user
    if token.revoked_at is not None:
        raise refuse("revoked", token=token, request=request)
    if token.expires_at <= timezone.now():
        raise refuse("expired", token=token, request=request)
    if not user.is_active:
        revoke_all(user_id=user.pk, because=ApiToken.RevokedBecause.DEACTIVATED)
        raise refuse("user_inactive", token=token, request=request)
    if not _fingerprint_matches(user, token.password_fingerprint):
        revoke_all(user_id=user.pk, because=ApiToken.RevokedBecause.PASSWORD)
        raise refuse("password_changed", token=token, request=request)
    if not _has_confirmed_device(user):
        # The second factor was deleted by a path that sent no signal (a queryset delete).
        revoke_all(user_id=user.pk, because=ApiToken.RevokedBecause.SECOND_FACTOR)
        raise refuse("no_second_factor", token=token, request=request)
    # The token was issued to a two-factor session: it carries that verification. Rules in
    # accounts.permissions ask is_verified(), which OTPMiddleware never set on this user object.
    user.otp_device = None
    user.is_verified = lambda: True
    if not permissions.may_use_staff_area(user):
        # Not revoked: a member removed everywhere may be invited back, with the same token.
        raise refuse("no_membership", token=token, request=request)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return user, token
