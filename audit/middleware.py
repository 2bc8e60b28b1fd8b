from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import request_id


class RequestIdMiddleware:
    """Numbers each request so that a log line, an audit event and a user's report of an error
    ("X-Request-ID: …") can be matched without recording anything about the visitor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value, token = request_id.start()
        request.request_id = value  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            request_id.end(token)
        response["X-Request-ID"] = str(value)
        return response
