"""/api/v1/staff/ — the staff referral API (mounted outside the language prefixes)."""

from django.urls import path

from referrals.api import schema, views

app_name = "referrals_api"
urlpatterns = [
    path("referrals", views.ReferralList.as_view(), name="referral-list"),
    path("referrals/<uuid:pk>", views.ReferralDetail.as_view(), name="referral-detail"),
    path(
        "referrals/<uuid:pk>/transitions",
        views.ReferralTransition.as_view(),
        name="referral-transitions",
    ),
    path("referrals/<uuid:pk>/handoff", views.ReferralHandoff.as_view(), name="referral-handoff"),
    path("schema/", schema.StaffSchemaView.as_view(), name="schema"),
]
