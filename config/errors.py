"""Error answers that depend on where the request went: under /api/ a client reads JSON (in the
language it asked for), never an HTML page."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults
from django.views.debug import SafeExceptionReporterFilter


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """A refusal in the member's language on a page a phone can read; the exception's own text
    (which may name a model or a permission) is never shown."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": gettext("You do not have permission to perform this action.")}, status=403
        )
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check says what a person can do about it; Django's own page is
    in English and explains the mechanism to a developer. `reason` is not shown for the same
    reason."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": gettext("This form could not be sent. Reload the page and try again.")},
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


class SafeEvenInDebugFilter(SafeExceptionReporterFilter):
    """Django's filter hides `sensitive_variables` and `sensitive_post_parameters` only when
    DEBUG is off. A developer's DEBUG error page on a staff machine is still a page a client's
    contact details must not reach (a screen share, a screenshot in a bug report): hide them
    always.

    Django hides a sensitive function's named variables in every frame below it, by name only:
    the template engine's `context`, or a serializer's `data`, holds the same values under other
    names. Every variable of a frame called from a sensitive function is hidden."""

    def is_active(self, request: Any) -> bool:
        return True

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        depth, frame = 0, tb_frame
        while frame is not None:
            if (
                frame.f_code.co_name == "sensitive_variables_wrapper"
                and "sensitive_variables_wrapper" in frame.f_locals
            ):
                # depth 0 is the wrapper, 1 the decorated function (hidden by name); deeper
                # frames were called by it.
                if depth >= 2:
                    return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
                break
            frame, depth = frame.f_back, depth + 1
        return super().get_traceback_frame_variables(request, tb_frame)
