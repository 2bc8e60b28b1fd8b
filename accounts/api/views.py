import uuid
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import actions, permissions
from accounts.api import permissions as api_permissions
from accounts.api.serializers import MembershipSerializer, OwnMembershipSerializer


# The staff API stays out of the public HSDS schema: staff tools only, behind two factors.
@api_view(["GET"])
@permission_classes([api_permissions.StaffOnly])
@schema(None)
def me(request: Request) -> Response:
    user = request.user
    memberships = user.memberships.filter(is_active=True).select_related("organization")
    return Response(
        {
            "username": user.get_username(),
            "is_operator": permissions.is_operator(user),
            "memberships": OwnMembershipSerializer(memberships, many=True).data,
        }
    )


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the organisations the user manages. PATCH {"role": …} or {"is_active": …}."""

    serializer_class = MembershipSerializer
    permission_classes = [api_permissions.StaffOnly, api_permissions.ManagesMembers]
    schema = None
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        queryset = permissions.memberships_visible_to(self.request.user).order_by("pk")
        organization = self.request.query_params.get("organization")
        if organization:
            try:
                queryset = queryset.filter(organization_id=uuid.UUID(organization))
            except ValueError:
                return queryset.none()
        return queryset

    def perform_update(self, serializer: MembershipSerializer) -> None:
        membership = serializer.instance
        data = serializer.validated_data
        user = self.request.user
        try:
            if "role" in data:
                actions.change_role(
                    actor=user, membership=membership, role=data["role"], request=self.request
                )
            if data.get("is_active") is False:
                actions.deactivate_member(actor=user, membership=membership, request=self.request)
            elif data.get("is_active") is True:
                actions.reactivate_member(actor=user, membership=membership, request=self.request)
        except DjangoPermissionDenied as refused:
            raise PermissionDenied from refused
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.messages) from invalid
        membership.refresh_from_db()
