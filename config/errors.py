"""Error answers that depend on where the request went: under /api/ a client reads JSON (in the
language it asked for), never an HTML page."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import defaults


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
