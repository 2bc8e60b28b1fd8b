"""Refuses, with a clear 400, request parameters that no column can store.

PostgreSQL text cannot hold the NUL character (U+0000); a query or form parameter carrying one
would otherwise reach a filter or a search and fail as a server error. Forms and serializers
already refuse it per field; this covers every parameter read directly from request.GET/POST.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

NUL = "\x00"


def _field_with_nul(query: object) -> str | None:
    """The name of the first parameter whose name or value holds NUL, or None."""
    lists = getattr(query, "lists", None)
    if lists is None:
        return None
    for key, values in lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\u0000")
    return None


class RejectUnstorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        field = _field_with_nul(request.GET) or (form and _field_with_nul(request.POST))
        if field:
            message = gettext("The field %(field)s contains a character that is not allowed.") % {
                "field": field
            }
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
