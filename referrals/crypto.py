"""Envelope encryption of client handoffs, and crypto-shredding.

Each handoff is sealed with AES-256-GCM under a data key of its own. The data key is stored only
wrapped (AES key wrap, RFC 3394) by the master key, which comes from the environment and never
enters the database. The handoff's id is bound in as associated data, so a ciphertext moved to
another row does not open. Destroying the wrapped data key makes the handoff unreadable for good,
even to someone who holds the master key and an old copy of the ciphertext.
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

NONCE_BYTES = 12


class HandoffUnreadable(Exception):
    """The handoff cannot be opened: purged, tampered with, or sealed under another master key.
    The message never carries any part of the handoff."""


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes  # nonce || AES-GCM output
    wrapped_key: bytes
    master_key_id: str


def master_key() -> tuple[str, bytes]:
    encoded = getattr(settings, "HANDOFF_MASTER_KEY", "")
    if not encoded:
        raise ImproperlyConfigured("HANDOFF_MASTER_KEY is not set.")
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("HANDOFF_MASTER_KEY must be base64.") from error
    if len(key) != 32:
        raise ImproperlyConfigured("HANDOFF_MASTER_KEY must decode to 32 bytes.")
    return settings.HANDOFF_MASTER_KEY_ID, key


def seal(fields: dict[str, str], *, associated_id: str) -> Sealed:
    key_id, master = master_key()
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, associated_id.encode())
    return Sealed(
        ciphertext=ciphertext, wrapped_key=aes_key_wrap(master, data_key), master_key_id=key_id
    )


def open_sealed(
    ciphertext: bytes | None, wrapped_key: bytes | None, *, associated_id: str
) -> dict[str, str]:
    if not ciphertext or not wrapped_key:
        raise HandoffUnreadable("the handoff has been purged")
    _key_id, master = master_key()
    try:
        data_key = aes_key_unwrap(master, bytes(wrapped_key))
        nonce, body = bytes(ciphertext[:NONCE_BYTES]), bytes(ciphertext[NONCE_BYTES:])
        plaintext = AESGCM(data_key).decrypt(nonce, body, associated_id.encode())
    except Exception as error:  # InvalidUnwrap, InvalidTag: say no more than "unreadable"
        raise HandoffUnreadable("the handoff cannot be opened") from error
    return json.loads(plaintext)
