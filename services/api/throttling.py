"""Anonymous rate limit for the public API.

Counters live in the cache (Redis), which fails soft: while Redis is down nobody is limited rather
than everybody refused. The client's address is kept only as a keyed hash inside the counter's
key, for as long as the counter lives (one window).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

DEFAULT_RATE = "120/minute"


class AnonymousApiThrottle(AnonRateThrottle):
    scope = "public_api"

    def get_rate(self) -> str:
        # Read at request time (not at import, as DRF does), so that settings overrides apply.
        return getattr(settings, "API_THROTTLE_RATE", DEFAULT_RATE)

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_ident(self, request: Any) -> str:
        # Only the proxies we run may name the client; anyone can write X-Forwarded-For.
        proxies = int(getattr(settings, "API_TRUSTED_PROXIES", 0))
        forwarded = request.headers.get("x-forwarded-for")
        if proxies and forwarded:
            addresses = [part.strip() for part in forwarded.split(",")]
            return addresses[-min(proxies, len(addresses))]
        return request.META.get("REMOTE_ADDR", "")

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = self.get_ident(request) or ""
        digest = hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256)
        return self.cache_format % {"scope": self.scope, "ident": digest.hexdigest()[:32]}
