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
    always."""

    def is_active(self, request: Any) -> bool:
        return True
