from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts import permissions


class StaffAdminSite(admin.AdminSite):
    """The admin for operators: signed in through the staff sign-in with both factors.

    It never shows its own password form, so there is one sign-in to lock out and audit.
    """

    site_header = _("Enlace administration")
    site_title = _("Enlace administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.may_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if permissions.is_signed_in(request.user):
            # Signed in fully but not allowed here: nothing to see.
            raise Http404
        target = reverse("accounts:login")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{target}?{urlencode({'next': next_url})}")

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from accounts.views.auth import sign_out

        return sign_out(request)
