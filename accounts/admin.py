from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404, HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from accounts import permissions
from accounts.models import Invitation, Membership, User

admin.site.register(User, UserAdmin)

# django-otp's static devices keep backup codes in plain text; ours are accounts.BackupCodeDevice
# (keyed hashes). The app stays installed only for the migration that moved the old codes
# (accounts 0005): its admin pages would let anyone in the admin read, or plant, a code. It is
# listed before `accounts` in INSTALLED_APPS, so its admin module has registered them by now.
for _model in (StaticDevice, StaticToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AuthenticatorAdmin(TOTPDeviceAdmin):
    """A member's authenticator without its secret: the shared key (and the QR code that
    carries it) is the second factor itself, so the admin shows that a device exists, when it
    was last used and whether it is throttled, and lets an operator delete a lost one (the
    member enrols again at the next sign-in). It never shows the key, nor adds or edits a
    device: a device made here would be a second factor its maker knows."""

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return [name for name in self.list_display if name != "qrcode_link"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        hidden = {"key", "qrcode_link"}
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = [name for name in options["fields"] if name not in hidden]
            if fields:
                fieldsets.append((title, {**options, "fields": fields}))
        return fieldsets

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def config_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        raise Http404

    def qrcode_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        raise Http404


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)


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
    readonly_fields = [
        "created_at",
        "deactivated_at",
        "role_confirmed",
        "role_granted_by",
        "role_confirmed_by",
        "role_confirmed_at",
    ]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        from accounts import actions, tokens
        from accounts.models import ApiToken

        before = Membership.objects.filter(pk=obj.pk).values("role", "is_active").first()
        super().save_model(request, obj, form, change)
        granted = obj.is_active and (
            before is None or before["role"] != obj.role or not before["is_active"]
        )
        if before is not None and (before["role"] != obj.role or not obj.is_active):
            because = (
                ApiToken.RevokedBecause.ROLE
                if obj.is_active
                else ApiToken.RevokedBecause.MEMBERSHIP
            )
            tokens.revoke_all(user_id=obj.user_id, because=because, actor=request.user)
        if granted:
            # An operator's grant of a sensitive role waits for a second person too.
            actions.hold_sensitive_grant(obj, granted_by=request.user, request=request)
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
