"""Envelope encryption of client handoffs, and crypto-shredding.

Each handoff is sealed with AES-256-GCM under a data key of its own. The data key is stored only
wrapped (AES key wrap, RFC 3394) by a master key, which comes from the environment and never
enters the database. The handoff's id is bound in as associated data, so a ciphertext moved to
another row does not open. Destroying the wrapped data key makes the handoff unreadable for good,
even to someone who holds the master key and an old copy of the ciphertext.

Master keys have ids. `HANDOFF_MASTER_KEYS` ("id:base64,id:base64", the current key first) holds
the current key and the retired ones still needed to unwrap data keys not yet re-wrapped
(`manage.py rotate_handoff_key`); without it, `HANDOFF_MASTER_KEY` is the current key under the
id `HANDOFF_MASTER_KEY_ID`. Each wrapped data key records the id of the key that wrapped it.
Nothing here puts plaintext or key material into an exception message; the functions that hold
plaintext in their locals are `sensitive_variables`, so a debug error page shows none of it.
"""

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

NONCE_BYTES = 12
KEY_ID_MAX = 20  # HandoffKey.master_key_id's length


class HandoffUnreadable(Exception):
    """The handoff cannot be opened: purged, tampered with, or sealed under a master key this
    server does not hold. The message never carries any part of the handoff."""


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes  # nonce || AES-GCM output
    wrapped_key: bytes
    master_key_id: str

    def __repr__(self) -> str:
        return f"Sealed(master_key_id={self.master_key_id!r})"


def _decode(key_id: str, encoded: str) -> bytes:
    if not key_id or len(key_id) > KEY_ID_MAX or not key_id.replace("-", "").isalnum():
        raise ImproperlyConfigured(
            f"A handoff master key id must be 1 to {KEY_ID_MAX} letters, digits or dashes."
        )
    if not encoded:
        raise ImproperlyConfigured(f"The handoff master key {key_id!r} is empty.")
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"The handoff master key {key_id!r} must be base64.") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"The handoff master key {key_id!r} must decode to 32 bytes.")
    return key


@sensitive_variables("encoded", "pairs", "keys", "single")
def master_keys() -> tuple[str, dict[str, bytes]]:
    """(the current key's id, every key by id). ImproperlyConfigured when missing or malformed."""
    encoded = (getattr(settings, "HANDOFF_MASTER_KEYS", "") or "").strip()
    if encoded:
        keys: dict[str, bytes] = {}
        pairs = [item.strip() for item in encoded.split(",") if item.strip()]
        for pair in pairs:
            key_id, sep, value = pair.partition(":")
            if not sep:
                raise ImproperlyConfigured(
                    "HANDOFF_MASTER_KEYS must read id:base64,id:base64 (the current key first)."
                )
            if key_id.strip() in keys:
                raise ImproperlyConfigured("HANDOFF_MASTER_KEYS names a key id twice.")
            keys[key_id.strip()] = _decode(key_id.strip(), value.strip())
        if not keys:
            raise ImproperlyConfigured("HANDOFF_MASTER_KEYS holds no key.")
        return next(iter(keys)), keys
    single = getattr(settings, "HANDOFF_MASTER_KEY", "") or ""
    if not single:
        raise ImproperlyConfigured("HANDOFF_MASTER_KEY (or HANDOFF_MASTER_KEYS) is not set.")
    key_id = getattr(settings, "HANDOFF_MASTER_KEY_ID", "v1") or "v1"
    return key_id, {key_id: _decode(key_id, single)}


def master_key() -> tuple[str, bytes]:
    """The current master key and its id."""
    current, keys = master_keys()
    return current, keys[current]


def configuration_problem() -> str:
    """Why the master keys are unusable, in words safe to log (no key material); "" if usable."""
    try:
        master_keys()
    except ImproperlyConfigured as problem:
        return str(problem)
    return ""


@sensitive_variables("fields", "plaintext", "data_key", "master")
def seal(fields: dict[str, str], *, associated_id: str) -> Sealed:
    key_id, master = master_key()
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, associated_id.encode())
    return Sealed(
        ciphertext=ciphertext, wrapped_key=aes_key_wrap(master, data_key), master_key_id=key_id
    )


def _key_for(key_id: str | None) -> bytes:
    current, keys = master_keys()
    key = keys.get(key_id or current)
    if key is None:
        raise HandoffUnreadable("the handoff was sealed under a master key this server lacks")
    return key


@sensitive_variables("plaintext", "data_key", "master")
def open_sealed(
    ciphertext: bytes | None,
    wrapped_key: bytes | None,
    *,
    associated_id: str,
    key_id: str | None = None,
) -> dict[str, str]:
    """Opens a handoff. `key_id` names the master key that wrapped the data key (the current
    key when None)."""
    if not ciphertext or not wrapped_key:
        raise HandoffUnreadable("the handoff has been purged")
    master = _key_for(key_id)
    try:
        data_key = aes_key_unwrap(master, bytes(wrapped_key))
        nonce, body = bytes(ciphertext[:NONCE_BYTES]), bytes(ciphertext[NONCE_BYTES:])
        plaintext = AESGCM(data_key).decrypt(nonce, body, associated_id.encode())
    except Exception as error:  # InvalidUnwrap, InvalidTag: say no more than "unreadable"
        raise HandoffUnreadable("the handoff cannot be opened") from error
    return json.loads(plaintext)


@sensitive_variables("data_key", "old", "current")
def rewrap(wrapped_key: bytes, *, key_id: str) -> tuple[bytes, str]:
    """The data key wrapped under the current master key, and that key's id. The ciphertext it
    opens does not change."""
    current_id, keys = master_keys()
    old = keys.get(key_id)
    if old is None:
        raise HandoffUnreadable("the data key was wrapped under a master key this server lacks")
    current = keys[current_id]
    try:
        data_key = aes_key_unwrap(old, bytes(wrapped_key))
    except Exception as error:
        raise HandoffUnreadable("the data key cannot be unwrapped") from error
    return aes_key_wrap(current, data_key), current_id
