from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_otp import user_has_device

from accounts.time_zones import zone_for

# What a member signed in with a password only may reach: entering or enrolling a second factor,
# signing out, following an invitation link, and the health checks.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:two_factor_setup",
        "accounts:invitation_link",
        "healthz",
        "readyz",
    }
)
STAFF_NAMESPACES = frozenset({"accounts", "audit", "admin", "staff_api"})


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _is_staff_area(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return bool(STAFF_NAMESPACES.intersection(match.namespaces))
    return "/staff/" in request.path_info or "/admin/" in request.path_info


class StaffAccessMiddleware:
    """Two things every staff request needs and no view should have to remember:

    - a signed-in member without a verified second factor in this session is sent to enter one,
      or to enrol one if they have none; the API answers 403;
    - a signed-in member reads times in their organisation's time zone;
    - responses of the staff area, and any response to a signed-in user, are never cached
      (a shared computer's browser cache must not keep a member list or an audit page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and _view_name(request.path_info) not in OPEN_BEFORE_SECOND_FACTOR
        ):
            response = self._second_factor_first(request)
            add_never_cache_headers(response)
            return response
        if user.is_authenticated and not request.path_info.startswith("/api/"):
            # Times on staff pages read in the member's organisation's zone (named beside them);
            # the API keeps answering in UTC with explicit offsets.
            timezone.activate(zone_for(user))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if request.user.is_authenticated or _is_staff_area(request):
            add_never_cache_headers(response)
        return response

    def _second_factor_first(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": gettext("Enter your second factor first.")}, status=403)
        name = (
            "accounts:two_factor" if user_has_device(request.user) else "accounts:two_factor_setup"
        )
        target = reverse(name)
        if _view_name(request.path_info) and _is_staff_path(request.path_info):
            target = f"{target}?{urlencode({'next': request.path})}"
        return redirect(target)


def _is_staff_path(path: str) -> bool:
    return "/staff/" in path or "/admin/" in path
