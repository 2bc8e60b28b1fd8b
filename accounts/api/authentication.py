"""`Authorization: Bearer <token>` for the staff API (tokens: accounts.tokens)."""

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts import tokens

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    """A request without a bearer header is left to the session; one with a bad token is
    refused outright (401), never quietly treated as anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        try:
            if len(parts) != 2:
                raise tokens.refuse("malformed", token=None, request=request._request)
            try:
                secret = parts[1].decode("ascii")
            except UnicodeDecodeError as bad:
                raise tokens.refuse("malformed", token=None, request=request._request) from bad
            return tokens.authenticate(secret, request=request._request)
        except tokens.Refused as refused:
            # One message whatever the reason: the reason is in the audit log, for staff.
            raise AuthenticationFailed(gettext("This API token is not valid.")) from refused

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="enlace-staff"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": gettext(
                "A staff API token, made on the staff page 'API tokens' while signed in with "
                "two factors."
            ),
        }
