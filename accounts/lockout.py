"""django-axes hooks: what it keeps about a failed sign-in, and what a locked-out client sees."""

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac


def username_digest(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """What axes stores instead of the typed username: people type passwords into the wrong
    field, and a table of typed names would list who has an account. The same name gives the same
    digest, so lockouts still count per name."""
    source = credentials if credentials is not None else request.POST
    typed = source.get("username")
    if not typed:
        return None
    return salted_hmac(
        "enlace.axes.username", str(typed).strip().casefold(), algorithm="sha256"
    ).hexdigest()


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the trusted proxies saw it: X-Forwarded-For entries are counted
    from the right, because a client can write anything on the left. With no trusted proxy
    (TRUSTED_PROXIES=0) the header is the client's own words and is ignored."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXIES
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page with one message for every locked-out attempt, whether or not the
    account exists."""
    from accounts.forms import SignInForm

    response = TemplateResponse(
        request,
        "accounts/login.html",
        {
            "form": SignInForm(request),
            "locked_out": True,
            "minutes": round(settings.AXES_COOLOFF_TIME * 60),
        },
        status=429,
    )
    response.render()
    return response
