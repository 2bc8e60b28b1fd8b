"""Sealed searches: the public search's words and place travel only inside these tokens.

Invariants:
- A token is Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) over the cleaned query,
  under a key derived from SECRET_KEY with HKDF for this one purpose; nothing in it is readable
  without the key, and a changed byte fails authentication.
- A token opens for TOKEN_TTL seconds after it was sealed, then says it expired. Every page of
  results seals its own links afresh, so browsing keeps a search alive; a link kept in the
  browser's history or copied elsewhere dies with its token.
- Tokens sealed under a key in SECRET_KEY_FALLBACKS still open, so rotating the key does not
  break the searches people have open.
"""

from __future__ import annotations

import base64
import json
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.http import QueryDict

TOKEN_TTL = 2 * 60 * 60
# Bounds what is decrypted from a URL: a real search seals to well under this.
MAX_TOKEN_LENGTH = 2000
_PURPOSE = b"enlace public search token v1"


class TokenInvalid(ValueError):
    """Not a token we sealed (or altered on the way)."""


class TokenExpired(ValueError):
    """A token we sealed, older than TOKEN_TTL."""


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(query: QueryDict, *, now: int | None = None) -> str:
    """The query (every value of every key) as an opaque URL-safe token."""
    payload = json.dumps(
        [[key, values] for key, values in query.lists()], separators=(",", ":")
    ).encode()
    sealed = _keys().encrypt_at_time(payload, int(time.time()) if now is None else now)
    return sealed.decode().rstrip("=")


def unseal(token: str, *, now: int | None = None) -> QueryDict:
    """The query sealed in `token`; TokenExpired or TokenInvalid otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenInvalid
    padded = (token + "=" * (-len(token) % 4)).encode()
    keys = _keys()
    moment = int(time.time()) if now is None else now
    try:
        payload = keys.decrypt_at_time(padded, ttl=TOKEN_TTL, current_time=moment)
    except InvalidToken:
        try:
            # Authentic but old, or not ours at all: the visitor is told which.
            keys.extract_timestamp(padded)
        except InvalidToken:
            raise TokenInvalid from None
        raise TokenExpired from None
    try:
        pairs = json.loads(payload)
        query = QueryDict(mutable=True)
        for key, values in pairs:
            query.setlist(str(key), [str(value) for value in values])
    except (ValueError, TypeError):
        raise TokenInvalid from None
    return query
