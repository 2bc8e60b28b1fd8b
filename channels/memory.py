"""What the text channel remembers between two messages: a little, briefly, under a keyed hash.

Invariants:
- The sender's number is never a key or a value: every key holds `sender_key()`, an HMAC of the
  number's digits under a key derived from SECRET_KEY (not guessable from Redis alone), so the
  numbers of a country cannot be hashed one by one to find who wrote.
- Nothing of a message's words is kept: "MAS" pages through the ids and distances of the
  listings the last search found, with the language and country of the answer.
- Every key expires after CHANNEL_MEMORY_SECONDS at most (never more than 30 minutes).
- Redis down or slow never stops an answer (docs/security.md, "Text messages"): throttling lets
  the message through, a replay is answered again, and "MAS" says there is nothing more to show.
  Refusing instead would leave a person in danger without the emergency number.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

PREFIX = "enlace:channels:"
MAX_MEMORY_SECONDS = 30 * 60


def memory_seconds() -> int:
    return max(1, min(int(getattr(settings, "CHANNEL_MEMORY_SECONDS", 1800)), MAX_MEMORY_SECONDS))


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def client() -> redis.Redis:
    return _client(settings.CACHES["default"]["LOCATION"])


def _hmac(purpose: str, value: str) -> str:
    return salted_hmac(
        f"enlace.channels.{purpose}", value, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def sender_key(sender: str) -> str:
    """The keyed hash of a sender: its digits only, so that one phone counts as one whether it
    writes by SMS or by WhatsApp ("whatsapp:+57…", "tel:+57…", "+57…")."""
    digits = "".join(ch for ch in sender if ch.isdigit())
    return _hmac("sender", digits or sender)


def first_time(channel: str, message_id: str) -> bool:
    """False when the gateway already delivered this message (a retry or a replay)."""
    if not message_id:
        return True
    key = PREFIX + "seen:" + _hmac("message", f"{channel}:{message_id}")
    try:
        return bool(client().set(key, b"1", nx=True, ex=memory_seconds()))
    except redis.RedisError:
        logger.warning("text channel: replay check unavailable")
        return True


ALLOW, WARN, SILENT = "allow", "warn", "silent"


def throttle(sender: str) -> str:
    """ALLOW while the sender is under the limit in the window, WARN for the first message over
    it (answered with a short notice), SILENT after that (no answer: each one costs the NGO)."""
    key = PREFIX + "rate:" + sender
    limit = int(getattr(settings, "CHANNEL_MESSAGES_PER_WINDOW", 10))
    window = max(1, min(int(getattr(settings, "CHANNEL_WINDOW_SECONDS", 600)), memory_seconds()))
    try:
        pipe = client().pipeline()
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        seen = pipe.execute()[0]
    except redis.RedisError:
        logger.warning("text channel: throttling unavailable")
        return ALLOW
    if seen <= limit:
        return ALLOW
    return WARN if seen == limit + 1 else SILENT


@dataclass
class Pages:
    """The rest of the last search's listings, and how the answer was given."""

    rows: list[tuple[uuid.UUID, float | None]]
    language: str
    country: str
    # How many listings the sender has seen already (the next one is numbered shown + 1).
    shown: int = 0


def keep_pages(sender: str, pages: Pages) -> None:
    key = PREFIX + "more:" + sender
    value = json.dumps(
        {
            "rows": [[str(i), d] for i, d in pages.rows],
            "language": pages.language,
            "country": pages.country,
            "shown": pages.shown,
        }
    )
    try:
        if pages.rows:
            client().set(key, value, ex=memory_seconds())
        else:
            client().delete(key)
    except redis.RedisError:
        logger.warning("text channel: paging unavailable")


def take_pages(sender: str) -> Pages | None:
    """The listings kept for "MAS", or None (none kept, expired, or Redis unavailable)."""
    try:
        raw = client().get(PREFIX + "more:" + sender)
    except redis.RedisError:
        logger.warning("text channel: paging unavailable")
        return None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        rows = [(uuid.UUID(i), None if d is None else float(d)) for i, d in data["rows"]]
        return Pages(
            rows=rows,
            language=str(data["language"]),
            country=str(data["country"]),
            shown=int(data.get("shown", 0)),
        )
    except (ValueError, KeyError, TypeError):
        return None
