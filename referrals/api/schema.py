"""The staff API's own OpenAPI description (/api/v1/staff/schema/), for signed-in staff only:
the public schema (/api/schema/) describes the public HSDS API alone."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts import permissions

urlpatterns = [path("api/v1/staff/", include("referrals.api.urls"))]


class StaffSchemaView(SpectacularAPIView):
    permission_classes = [permissions.StaffOnly]
    urlconf = "referrals.api.schema"
    custom_settings = {"TITLE": "Enlace staff referrals API"}
