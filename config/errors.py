"""Error answers that depend on where the request went: under /api/ a client reads JSON (in the
language it asked for), never an HTML page."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from django.views.debug import SafeExceptionReporterFilter


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


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
