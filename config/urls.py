from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config import health
from services.api.docs import DocsView, SchemaView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The public HSDS API and its description: no language prefix, no cookie.
    path("api/v1/", include("services.api.urls")),
    # The staff referral API: session with two factors (StaffAccessMiddleware), not public.
    path("api/v1/staff/reports/", include("reports.api.urls")),
    path("api/v1/staff/", include("referrals.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(), name="api-docs"),
    path("api/staff/", include("accounts.api.urls")),
    # Text-message gateways (Twilio, RapidPro): signed POSTs, no language prefix, no cookie.
    path("channels/", include("channels.urls")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("staff/audit/", include("audit.urls")),
    path("staff/referrals/", include("referrals.urls")),
    path("staff/find/", include("referrals.desk.urls")),
    path("staff/listings/", include("services.listings.urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/", include("accounts.urls")),
    path("", include("services.public.urls")),
    prefix_default_language=True,
)

# An unknown URL under /api/ answers JSON like the rest of the API.
handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"
