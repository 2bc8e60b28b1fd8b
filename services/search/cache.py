"""The shared cache of public search results: which services a search found, not who asked.

Invariants:
- An entry holds a page's service ids, their distances in metres, the total and whether it is a
  lower bound: never the searched words, the place typed or the point searched from. Its key is
  an HMAC (keyed from SECRET_KEY, so not guessable by whoever reads Redis) of the normalised
  search, so the words and the place are not in the key either.
- An entry lives SEARCH_CACHE_SECONDS at most and is only served while the directory version it
  was computed under is current. Every public change (a refreshed search row, any saved or
  deleted directory record) replaces the version, at once and again when its transaction
  commits, so a search that read the old rows cannot store them under the new version.
- A served entry is checked against the search rows: an id no longer active and fresh turns the
  hit into a miss, so a missed version change can never show a withdrawn listing.
- Redis down, slow or empty means "no entry": search then runs as if there were no cache, and
  never fails because of it.
- Searches that depend on the minute (open now, free places) carry the minute in their key; a
  search whose words were corrected is not stored (the correction would be the words).
- A search that ran out of time is remembered as such (TOO_BROAD) for as long as a page would
  be: asked again, it is refused at once instead of holding a worker for the whole time again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from services.querysets import FRESHNESS_SQL, fresh_since
from services.search.params import SearchParams
from services.search.places import ResolvedPlace
from services.search.text import search_text

logger = logging.getLogger(__name__)

VERSION_KEY = "search:directory-version"
ENTRY_PREFIX = "search:result:"
STATS_KEYS = {"hit": "search:stats:hit", "miss": "search:stats:miss"}

Page = tuple[int, bool, list[tuple[uuid.UUID, float | None]]]


class _TooBroad:
    """What `lookup` answers for a search remembered as too broad."""


TOO_BROAD = _TooBroad()


def enabled() -> bool:
    return bool(getattr(settings, "SEARCH_CACHE_SECONDS", 0))


def _new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def directory_changed() -> None:
    """The public directory changed: no result cached before this may be served again. The
    version is replaced now (searches from now on miss) and again after the change commits (a
    search that ran between the two read the old rows and stored them under the first
    replacement)."""
    if not enabled():
        return
    _new_version()
    transaction.on_commit(_new_version)


# Records the public never sees, or that change no search result when they change.
PRIVATE_MODELS = frozenset(
    {
        "SearchWord",
        "SearchRow",
        "SearchFacet",
        "ImportRun",
        "DuplicateCandidate",
        "VerificationReminder",
        "Suggestion",
    }
)


def _on_directory_write(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded: their refresh follows
    directory_changed()


def connect_signals(app_models: list[type]) -> None:
    """Every save or delete of a public directory record replaces the version (refresh_services
    does too, for writes made in SQL)."""
    from django.db.models.signals import post_delete, post_save

    for model in app_models:
        name = model.__name__
        if name in PRIVATE_MODELS or name.startswith("Historical"):
            continue
        post_save.connect(_on_directory_write, sender=model, dispatch_uid=f"search-cache-{name}")
        post_delete.connect(
            _on_directory_write, sender=model, dispatch_uid=f"search-cache-d-{name}"
        )


def _hmac_key() -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"enlace search result cache", hashlib.sha256
    ).digest()


def _normal_text(text: str) -> str:
    # What is searched by (stop words out, search/text.py), lower-cased and split on white space
    # as the text search does itself: nothing else is folded, so two texts with one key always
    # find the same listings.
    return " ".join(search_text(text).lower().split())


def entry_key(
    params: SearchParams, origin: ResolvedPlace | None, *, lang: str, now: dt.datetime
) -> str:
    """The cache key of a search: an HMAC of everything that decides its page. The place is
    represented by what it resolved to (so "Cúcuta" and "cucuta" share an entry)."""
    fields = asdict(params)
    fields["text"] = _normal_text(params.text)
    fields.pop("place")
    if origin is not None:
        fields["origin"] = [
            round(origin.point.x, 7),
            round(origin.point.y, 7),
            origin.region.id if origin.region is not None else None,
        ]
    if params.open_now or params.has_capacity:
        fields["minute"] = now.replace(second=0, microsecond=0).isoformat()
    fields["lang"] = lang
    material = json.dumps(fields, sort_keys=True, default=str).encode()
    return ENTRY_PREFIX + hmac.new(_hmac_key(), material, hashlib.sha256).hexdigest()


def _count(outcome: str) -> None:
    if getattr(settings, "SEARCH_CACHE_STATS", False):
        try:
            cache.incr(STATS_KEYS[outcome])
        except ValueError:
            cache.add(STATS_KEYS[outcome], 1, timeout=None)


def lookup(key: str) -> tuple[str | None, Page | _TooBroad | None]:
    """(the current directory version, the entry if it was stored under that version: a page,
    or TOO_BROAD)."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    entry = found.get(key)
    if version is None or not isinstance(entry, dict) or entry.get("version") != version:
        _count("miss")
        return version, None
    if entry.get("too_broad"):
        _count("hit")
        return version, TOO_BROAD
    rows = [(uuid.UUID(i), d) for i, d in entry["rows"]]
    if not _still_public([r[0] for r in rows]):
        _count("miss")
        return version, None
    _count("hit")
    return version, (entry["total"], entry["more"], rows)


def store(key: str, version: str | None, page: Page) -> None:
    """Keeps a page under the version read before it was computed."""
    if version is None:
        # No version yet (a new or flushed Redis): start one, and store under it next time.
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        return
    total, more, rows = page
    entry = {
        "version": version,
        "total": total,
        "more": more,
        "rows": [[str(i), d] for i, d in rows],
    }
    cache.set(key, entry, timeout=settings.SEARCH_CACHE_SECONDS)


def store_too_broad(key: str, version: str | None) -> None:
    """Remembers that this search ran out of time under this version. Unlike a page, it may be
    kept under a version started now: it holds no listing that could have changed meanwhile."""
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:
            return  # Redis is not answering: nothing is remembered
    cache.set(key, {"version": version, "too_broad": True}, timeout=settings.SEARCH_CACHE_SECONDS)


def _still_public(ids: list[uuid.UUID]) -> bool:
    """Whether every id is still an active listing fresh enough for public search."""
    return len(still_public_ids(ids)) == len(set(ids))


def still_public_ids(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `ids` that are still active listings fresh enough for public search."""
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM services_searchrow s WHERE s.id = ANY(%s)"  # noqa: S608  # nosec B608 — a constant SQL expression; the values are parameters
            f" AND s.status = 'active' AND {FRESHNESS_SQL} >= %s",
            [list(ids), fresh_since()],
        )
        return {row[0] for row in cursor.fetchall()}
