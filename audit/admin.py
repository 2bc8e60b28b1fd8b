from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts import permissions
from audit.labels import label
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, and only the events accounts.permissions lets this user read."""

    list_display = [
        "id",
        "occurred_at",
        "action_label",
        "actor_id",
        "organization_id",
        "object_type",
        "object_id",
    ]
    list_filter = ["action"]
    search_fields = ["=object_id", "=request_id"]
    ordering = ["-id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=AuditEvent._meta.get_field("action").verbose_name)
    def action_label(self, event: AuditEvent) -> Any:
        return label(event.action)

    def get_queryset(self, request: HttpRequest) -> Any:
        return AuditEvent.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.may_read_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.may_read_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
