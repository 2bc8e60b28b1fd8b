"""How failed sign-ins reach the audit log without letting anyone flood it.

Every failure is counted in the cache per hour and per client address, the address kept only as a
keyed hash (an HMAC under SECRET_KEY, cut to 16 hex digits). The first failures of an address in
an hour are audited one by one (`accounts.signin_failed`, naming the account when it exists);
past that, the address's count is audited as `accounts.signin_failures_counted` each time it
doubles. A budget of events per hour bounds both kinds across all addresses; once it is spent,
only the hour's total is audited, again each time it doubles. So an hour of failures writes at
most the budget plus a few dozen rows, however many names or addresses are tried.

If the cache is down every failure counts as the first, and is audited one by one.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from accounts.lockout import client_address

HOUR_SECONDS = 3600
EVERY_ADDRESS = "*"


@dataclass(frozen=True)
class Decision:
    """What to audit for one failure: "event" (this failure), "count" (an address's or, with
    address "*", everyone's count this hour) or "nothing"."""

    kind: str
    address: str = ""
    hour: str = ""
    count: int = 0


def address_digest(request: Any) -> str:
    address = client_address(request) or "unknown"
    return salted_hmac("enlace.signin.address", address, algorithm="sha256").hexdigest()[:16]


def _count(key: str) -> int:
    cache.add(key, 0, timeout=2 * HOUR_SECONDS)
    return int(cache.incr(key))


def _doubling_step(count: int, start: int) -> bool:
    """True at start*2, start*4, start*8, …"""
    if count < start * 2 or count % start:
        return False
    ratio = count // start
    return ratio & (ratio - 1) == 0


def note_failure(request: Any) -> Decision:
    """Count one failed sign-in and say what, if anything, to audit for it."""
    per_address = max(1, settings.SIGNIN_FAILURES_AUDITED_PER_ADDRESS)
    budget = max(1, settings.SIGNIN_FAILURE_EVENTS_PER_HOUR)
    hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
    address = address_digest(request)
    prefix = f"signin-failures:{hour}"
    of_address = _count(f"{prefix}:{address}")
    of_everyone = _count(f"{prefix}:all")
    if of_address <= per_address:
        wanted = Decision("event", address, hour, of_address)
    elif _doubling_step(of_address, per_address):
        wanted = Decision("count", address, hour, of_address)
    else:
        return Decision("nothing")
    if _count(f"{prefix}:events") <= budget:
        return wanted
    if _doubling_step(of_everyone, budget):
        return Decision("count", EVERY_ADDRESS, hour, of_everyone)
    return Decision("nothing")
