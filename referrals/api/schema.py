"""The staff API's own OpenAPI description (/api/v1/staff/schema/), for signed-in staff only.

The views themselves carry `schema = None`, so that the public schema and drf-spectacular's
deploy check (both built from the root URLconf) leave them out; this URLconf mounts subclasses
that are described, at the real paths."""

from django.conf import settings
from django.urls import path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.views import SpectacularAPIView

from accounts.api import permissions as api_permissions
from referrals.api import views


def _described(view: type) -> type:
    return type(view.__name__, (view,), {"schema": AutoSchema()})


urlpatterns = [
    path("api/v1/staff/referrals", _described(views.ReferralList).as_view()),
    path("api/v1/staff/referrals/<uuid:pk>", _described(views.ReferralDetail).as_view()),
    path(
        "api/v1/staff/referrals/<uuid:pk>/transitions",
        _described(views.ReferralTransition).as_view(),
    ),
    path("api/v1/staff/referrals/<uuid:pk>/handoff", _described(views.ReferralHandoff).as_view()),
]


class StaffSchemaView(SpectacularAPIView):
    permission_classes = [api_permissions.StaffOnly]
    urlconf = "referrals.api.schema"
    custom_settings = {
        "TITLE": "Enlace staff referrals API",
        # One name per choice set used by several fields (statuses, languages, consent methods).
        "ENUM_NAME_OVERRIDES": {
            "ReferralStatusEnum": "referrals.models.Status",
            "ConsentMethodEnum": "referrals.models.Consent.Method",
            "ContentLanguageEnum": settings.CONTENT_LANGUAGES,
        },
    }
