"""Backup codes are kept only as keyed hashes.

A backup code is a second factor on its own: stored plain, anyone who reads the database (a
backup, an operator's query) could sign in as any staff member whose password they also hold.
An HMAC keyed with SECRET_KEY makes the stored value useless without the key, which never sits
in the database; a slow password hasher would not help more (the codes carry 40 random bits and
are single use) and would make every sign-in try each of the member's ten codes slowly.

This module imports no model: migrations call it to hash the codes that were stored plain.
"""

import hmac
from base64 import b32encode
from os import urandom

from django.conf import settings
from django.utils.crypto import salted_hmac

_KEY_SALT = "enlace.accounts.backup_code"


def new_code() -> str:
    """Eight characters of base32 (40 random bits), the shape members already know."""
    return b32encode(urandom(5)).decode().lower()


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash(code: str, secret: str) -> str:
    return salted_hmac(_KEY_SALT, normalise(code), secret=secret, algorithm="sha256").hexdigest()


def hash_code(code: str) -> str:
    """What is stored for `code`: its HMAC under the current SECRET_KEY."""
    return _hash(code, settings.SECRET_KEY)


def candidate_hashes(code: str) -> list[str]:
    """The hashes `code` may be stored under: the current key's and, after a key rotation,
    each fallback key's, so that rotating SECRET_KEY does not lock members out."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_hash(code, key) for key in keys]


def find(stored: list[tuple[int, str]], code: str) -> int | None:
    """The id of the stored (id, hash) pair that `code` matches, or None.

    Every pair is compared with every candidate, in constant time and without stopping at the
    first match, so the time taken says nothing about which code (if any) was right.
    """
    candidates = candidate_hashes(code)
    found = None
    for pk, code_hash in stored:
        for candidate in candidates:
            if hmac.compare_digest(code_hash, candidate) and found is None:
                found = pk
    return found
