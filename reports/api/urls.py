"""/api/v1/staff/reports/ (mounted outside the language prefixes)."""

from django.urls import path

from reports.api import views

app_name = "reports_api"
urlpatterns = [
    path("referrals.csv", views.ReferralsCsv.as_view(), name="referrals-csv"),
    path("calls.csv", views.CallsCsv.as_view(), name="calls-csv"),
]
