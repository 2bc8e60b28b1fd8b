import uuid
from typing import Any

from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from accounts.api import permissions as api_permissions
from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_id",
            "organization_id",
            "action",
            "object_type",
            "object_id",
            "request_id",
            "details",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 100


class AuditEventList(generics.ListAPIView):
    """Audit events the user may read, newest first; ?organization=<id> narrows them."""

    serializer_class = AuditEventSerializer
    permission_classes = [api_permissions.StaffOnly, api_permissions.ReadsAudit]
    pagination_class = NewestFirst
    schema = None  # staff only: not part of the public API's schema

    def get_queryset(self) -> Any:
        queryset = AuditEvent.objects.visible_to(self.request.user)
        organization = self.request.query_params.get("organization")
        if organization:
            try:
                queryset = queryset.filter(organization_id=uuid.UUID(organization))
            except ValueError:  # a malformed id names no organisation
                return AuditEvent.objects.none()
        return queryset
