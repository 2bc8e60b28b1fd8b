"""Referral codes a client can carry and a hotline can read aloud: `ENL-7K4Q-X2M9`.

Seven random Crockford base32 symbols (35 bits) and one check symbol (Luhn mod 32), so that a
mistyped or swapped character is caught before any look-up. Codes are unique (the database says
so) and unguessable; look-ups are throttled and answer 404 for anything not visible.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Crockford decoding: letters people confuse with digits read as those digits.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
PREFIX = "ENL"
RANDOM_SYMBOLS = 7


def check_symbol(payload: str) -> str:
    """Luhn mod N over the Crockford alphabet: detects any single substitution and any swap of
    two adjacent symbols."""
    factor, total, n = 2, 0, len(ALPHABET)
    for symbol in reversed(payload):
        addend = factor * _VALUE[symbol]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    body = payload + check_symbol(payload)
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalise(text: str) -> str | None:
    """A typed or spoken code in canonical form, or None when it cannot be one of ours."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    compact = compact.translate(_ALIASES)
    if len(compact) != RANDOM_SYMBOLS + 1 or any(ch not in _VALUE for ch in compact):
        return None
    payload, check = compact[:-1], compact[-1]
    if check_symbol(payload) != check:
        return None
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}"
