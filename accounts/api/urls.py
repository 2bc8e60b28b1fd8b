from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views
from audit.api import AuditEventList

app_name = "staff_api"
router = SimpleRouter()
router.register("memberships", views.MembershipViewSet, basename="membership")

urlpatterns = [
    path("me/", views.me, name="me"),
    path("audit/", AuditEventList.as_view(), name="audit-events"),
    *router.urls,
]
