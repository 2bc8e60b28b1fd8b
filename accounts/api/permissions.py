"""The rules of accounts.permissions as Django REST framework permission classes.

Invariant: each class only asks a rule of accounts.permissions; no access decision is made here.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import may_manage_members, may_read_audit, may_use_staff_area


class StaffOnly(BasePermission):
    """Signed in with both factors and a member of some organisation (or an operator)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return may_use_staff_area(request.user)


class TokenScopes(BasePermission):
    """A bearer token acts only within its scopes (a two-factor session within its user's rules
    alone). Reads need `referrals:read`, writes `referrals:write`; a view names other needs in
    `token_scopes` (the handoff: `handoff:read`). Asked before any record is fetched, so the
    answer is the same for every id: a 403, or for a view that sets `hidden_without_scope` (the
    contact details) the same 404 as a record the user may not see."""

    message = _("This API token may not do this. Make a token with the scope it needs.")

    def has_permission(self, request: Any, view: Any) -> bool:
        token = getattr(request, "auth", None)
        scopes = getattr(token, "scope_set", None)
        if scopes is None:
            return True
        default = "referrals:read" if request.method in SAFE_METHODS else "referrals:write"
        needed = getattr(view, "token_scopes", {}).get(request.method, default)
        if needed not in scopes and getattr(view, "hidden_without_scope", False):
            raise NotFound
        return needed in scopes


class ManagesMembers(BasePermission):
    """Object-level: memberships and invitations of organisations the user manages. Views start
    from memberships_visible_to(), so others' records are 404 before this is asked."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return may_manage_members(request.user, obj.organization_id)


class ReadsAudit(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS and may_read_audit(request.user)
