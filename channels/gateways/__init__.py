"""The gateways' own formats: each module checks who is calling and answers in its format."""

from django.http import HttpResponse


def not_configured() -> HttpResponse:
    """A gateway without its secret configured does not exist: no request is ever read."""
    return HttpResponse(b"", status=404, content_type="text/plain")
