"""The staff referral API. Every view starts from referrals.staff (accounts.permissions): a
referral the user may not see is a 404; a move the user may not make is a 403."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.api import permissions as api_permissions
from referrals import crypto, staff
from referrals.api.serializers import (
    ErrorSerializer,
    HandoffSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    TransitionSerializer,
)
from referrals.handoffs import read_handoff
from referrals.transitions import Conflict, TransitionError

# A 400 is either a refusal ({detail, code}) or DRF's per-field messages ({field: [text]}).
BAD_REQUEST = {
    "type": "object",
    "description": "Either {detail, code}, or messages per field: {field: [message, ...]}.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _detailed(queryset: Any) -> Any:
    return queryset.prefetch_related("needs", "events__actor_organization")


class ReferralList(generics.ListCreateAPIView):
    """Referrals the user's organisations sent or received. POST makes one (consent included);
    an Idempotency-Key header (or field) makes a retried request return the first referral."""

    permission_classes = [api_permissions.StaffOnly, api_permissions.TokenScopes]
    schema = None  # described by the staff schema only (referrals/api/schema.py)

    def get_queryset(self) -> Any:
        return _detailed(staff.visible_referrals(self.request.user)).order_by("-created_at")

    def get_serializer_class(self) -> Any:
        return ReferralCreateSerializer if self.request.method == "POST" else ReferralSerializer

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={
            201: ReferralSerializer,
            400: BAD_REQUEST,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    @sensitive_variables("data", "serializer")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        header = request.headers.get("Idempotency-Key")
        if header and "idempotency_key" not in data:
            field = ReferralCreateSerializer().fields["idempotency_key"]
            try:
                data["idempotency_key"] = field.run_validation(header)
            except ValidationError as invalid:
                # Named like the body's messages, not a bare list.
                raise ValidationError({"idempotency_key": invalid.detail}) from invalid
        organizations = staff.referring_organizations(user)
        if data.get("organization"):
            organizations = [o for o in organizations if o.pk == data["organization"]]
        if not organizations:
            raise Http404
        if len(organizations) > 1:
            raise ValidationError({"organization": [gettext("Choose the referring organisation.")]})
        service = staff.referable_services().filter(pk=data["service"]).first()
        if service is None:
            raise Http404
        try:
            referral = staff.submit_referral(
                user=user, organization=organizations[0], service=service, data=data
            )
        except TransitionError as refused:
            return Response(
                {"detail": refused.message, "code": refused.code},
                status=status.HTTP_400_BAD_REQUEST,
            )
        referral = _detailed(staff.visible_referrals(user)).get(pk=referral.pk)
        return Response(
            ReferralSerializer(referral, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReferralDetail(generics.RetrieveAPIView):
    permission_classes = [api_permissions.StaffOnly, api_permissions.TokenScopes]
    schema = None  # described by the staff schema only (referrals/api/schema.py)
    serializer_class = ReferralSerializer

    def get_queryset(self) -> Any:
        return _detailed(staff.visible_referrals(self.request.user))

    def get_object(self) -> Any:
        # The same translated "Not found." as every other 404 here, not Django's English
        # message naming the model: absent and not-yours must read alike.
        try:
            return super().get_object()
        except Http404 as missing:
            raise NotFound from missing

    @extend_schema(responses={200: ReferralSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ReferralTransition(APIView):
    """POST {move, version, reason, outcome}: 409 when someone changed it first."""

    permission_classes = [api_permissions.StaffOnly, api_permissions.TokenScopes]
    schema = None  # described by the staff schema only (referrals/api/schema.py)

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: ReferralSerializer,
            400: BAD_REQUEST,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        referral = staff.referral_or_404(request.user, pk)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            staff.make_move(
                request.user,
                referral,
                data["move"],
                version=data["version"],
                reason=data.get("reason", ""),
                outcome=data.get("outcome", ""),
            )
        except DjangoPermissionDenied as refused:
            raise PermissionDenied from refused
        except Conflict as conflict:
            return Response(
                {"detail": conflict.message, "code": conflict.code}, status=status.HTTP_409_CONFLICT
            )
        except TransitionError as refused:
            return Response(
                {"detail": refused.message, "code": refused.code},
                status=status.HTTP_400_BAD_REQUEST,
            )
        referral = _detailed(staff.visible_referrals(request.user)).get(pk=referral.pk)
        return Response(ReferralSerializer(referral, context={"request": request}).data)


class ReferralHandoff(APIView):
    """The contact details, for the receiving intake only once accepted and only with contact
    consent; for anyone else a 404. Every opening is audited; the answer is never cached."""

    permission_classes = [api_permissions.StaffOnly, api_permissions.TokenScopes]
    token_scopes = {"GET": "handoff:read"}
    hidden_without_scope = True  # like a referral that is not yours: 404, whatever the id
    schema = None  # described by the staff schema only (referrals/api/schema.py)

    @extend_schema(responses={200: HandoffSerializer, 404: ErrorSerializer})
    @sensitive_variables("details", "payload")
    def get(self, request: Request, pk: Any) -> Response:
        referral = staff.referral_or_404(request.user, pk)
        if not permissions.may_read_handoff(request.user, referral):
            raise Http404
        try:
            # read_handoff asks the rule again on a fresh copy: consent may end in between.
            details = read_handoff(actor=request.user, referral=referral)
        except crypto.HandoffUnreadable as gone:
            raise Http404 from gone
        payload = HandoffSerializer(
            {**details, "contact_channel": referral.consent.contact_channel}
        ).data
        response = Response(payload)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
