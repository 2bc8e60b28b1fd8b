"""Anonymous problem reports from a public service page ("this number does not work", "this place
has closed"), without an account, a cookie or anything about the visitor.

- No CSRF cookie: public pages set no cookie at all. The form carries a signed token made for this
  service when the page was drawn (it also says which simple question was asked), and the view
  refuses a POST whose Origin header names another site. A forged cross-site POST would need a
  fresh token and the question's answer, and can only add a report to a moderation queue.
- No third-party captcha: a simple question whose answer anyone knows.
- Throttled without keeping addresses: the counter's key is a keyed hash of the address and the
  hour, living one hour in Redis; the address itself is never written anywhere. A global hourly
  limit and a per-listing one stop a crowd of addresses.
- Each token works once (its nonce is remembered in Redis until the token expires).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.lockout import client_address

TOKEN_SALT = "services.public-report"  # noqa: S105 (a signing namespace, not a secret)
TOKEN_MAX_AGE = 2 * 3600  # a page left open for two hours still works
WINDOW = 3600

# (question, accepted answers). Numbers may be typed as digits or words in either language.
QUESTIONS: list[tuple[Any, set[str]]] = [
    (_("How many days are there in a week? Answer with a number."), {"7", "siete", "seven"}),
    (_("What is two plus three? Answer with a number."), {"5", "cinco", "five"}),
    (_("How many hours are there in a day? Answer with a number."), {"24", "veinticuatro"}),
]


def limits() -> dict[str, int]:
    return {
        "address": int(getattr(settings, "REPORTS_PER_ADDRESS_PER_HOUR", 5)),
        "service": int(getattr(settings, "REPORTS_PER_LISTING_PER_HOUR", 20)),
        "all": int(getattr(settings, "REPORTS_PER_HOUR", 300)),
    }


@dataclass
class Challenge:
    token: str
    question: Any


def new_challenge(service_id: Any) -> Challenge:
    index = secrets.randbelow(len(QUESTIONS))
    token = signing.dumps(
        {"s": str(service_id), "q": index, "n": secrets.token_urlsafe(12)}, salt=TOKEN_SALT
    )
    return Challenge(token=token, question=QUESTIONS[index][0])


def read_token(token: str, service_id: Any) -> dict[str, Any] | None:
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("s") != str(service_id) or not 0 <= int(data.get("q", -1)) < len(QUESTIONS):
        return None
    return data


def question_for(data: dict[str, Any]) -> Any:
    return QUESTIONS[int(data["q"])][0]


def answer_is_right(data: dict[str, Any], answer: str) -> bool:
    return (answer or "").strip().casefold() in QUESTIONS[int(data["q"])][1]


def use_nonce(data: dict[str, Any]) -> bool:
    """True the first time a token is used; the cache keeps only the random nonce."""
    return bool(cache.add(f"report:nonce:{data['n']}", 1, TOKEN_MAX_AGE))


def same_origin(request: HttpRequest) -> bool:
    """A browser names the page's origin on a form POST; a different one is a cross-site post.
    No Origin (old browsers, privacy tools) is allowed: the signed token still has to match."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return not origin
    allowed = {urlsplit(settings.SITE_URL).netloc, request.get_host()}
    return urlsplit(origin).netloc in allowed


def _bucket(name: str) -> str:
    return f"report:rate:{name}:{int(timezone.now().timestamp()) // WINDOW}"


def _address_bucket(request: HttpRequest) -> str:
    address = client_address(request) or ""
    hour = int(timezone.now().timestamp()) // WINDOW
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"report|{hour}|{address}".encode(), hashlib.sha256
    ).hexdigest()[:24]
    return _bucket(f"a:{digest}")


def _count(key: str) -> int:
    if cache.add(key, 1, WINDOW):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
        return 1


def throttled(request: HttpRequest, service_id: Any) -> bool:
    """Counts this report; True when any of the three hourly limits is passed."""
    limit = limits()
    return any(
        _count(key) > limit[name]
        for name, key in (
            ("address", _address_bucket(request)),
            ("service", _bucket(f"s:{service_id}")),
            ("all", _bucket("all")),
        )
    )
