from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

import audit
from accounts import permissions
from accounts.models import Invitation, Membership, User

admin.site.register(User, UserAdmin)


class OperatorsOnly:
    """Memberships and invitations belong to organisation admins' pages; in the admin only
    operators see them, and what they change is audited like a change made on those pages."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_operator(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return permissions.is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit log's ids keep pointing somewhere


@admin.register(Membership)
class MembershipAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["organization"]
    readonly_fields = ["created_at", "deactivated_at"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        before = Membership.objects.filter(pk=obj.pk).values("role", "is_active").first()
        super().save_model(request, obj, form, change)
        if before is None:
            action, details = "accounts.member_added", {"role": obj.role}
        elif before["is_active"] != obj.is_active:
            action = (
                "accounts.member_reactivated" if obj.is_active else "accounts.member_deactivated"
            )
            details = {}
        elif before["role"] != obj.role:
            action, details = "accounts.role_changed", {"from": before["role"], "to": obj.role}
        else:
            return
        audit.record(
            actor=request.user,
            organization=obj.organization_id,
            action=action,
            obj=obj,
            request=request,
            details=details,
        )


@admin.register(Invitation)
class InvitationAdmin(OperatorsOnly, admin.ModelAdmin):
    """Read-only: invitations are made on the members page, which e-mails the only copy of the
    link; the stored hash is no use to anyone and is not shown."""

    list_display = ["email", "organization", "role", "created_at", "expires_at", "status"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    fields = [
        "organization",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
