"""The chain's head, kept outside PostgreSQL: one line per anchor in AUDIT_ANCHOR_DIR/anchors.log.

The file is only ever opened for appending (O_APPEND, then fsync), never rewritten; give it to a
user the database's administrators are not, or make it append-only on the host (`chattr +a`), or
copy it off the machine. Each line is

    <UTC time> <event id> <event hash> <key id> <mac>

where the mac is an HMAC of the line's first four fields under that chain key, so a line cannot
be forged without the key either. `verify_audit` reads every line: each anchored event must still
be there with that very hash, so events cut from the end, or a chain re-hashed from the start,
are found.
"""

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from audit.chain import UnknownKey, chain_keys, signing_key_id
from audit.models import AuditEvent

FILE_NAME = "anchors.log"


class AnchorError(Exception):
    pass


@dataclass(frozen=True)
class Anchor:
    written_at: str
    event_id: int
    event_hash: str
    key_id: str
    line_number: int = 0


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR) / FILE_NAME


def _mac(fields: str, key_id: str) -> str:
    keys = chain_keys()
    if key_id not in keys:
        raise UnknownKey(key_id)
    return hmac.new(keys[key_id], f"anchor {fields}".encode(), hashlib.sha256).hexdigest()


def write_anchor() -> Anchor | None:
    """Append the current head of the chain to the anchor file; None while the log is empty."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is None:
        return None
    key_id = signing_key_id()
    if not key_id:
        raise AnchorError("AUDIT_CHAIN_KEY is not set: an anchor without a key can be forged")
    written_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = f"{written_at} {head['id']} {head['hash']} {key_id}"
    line = f"{fields} {_mac(fields, key_id)}\n"
    path = anchor_path()
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return Anchor(written_at, head["id"], head["hash"], key_id)


def read_anchors() -> list[Anchor]:
    """Every anchor in the file, oldest first. Raises AnchorError at the first line that is not
    one we wrote (a forged or damaged line is itself a sign of tampering)."""
    path = anchor_path()
    if not path.exists():
        return []
    anchors = []
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, raw in enumerate(handle, start=1):
            parts = raw.split()
            if not parts:
                continue
            try:
                written_at, event_id, event_hash, key_id, mac = parts
                expected = _mac(f"{written_at} {event_id} {event_hash} {key_id}", key_id)
                valid = hmac.compare_digest(expected, mac)
                anchor = Anchor(written_at, int(event_id), event_hash, key_id, number)
            except (ValueError, UnknownKey):
                valid = False
            if not valid:
                raise AnchorError(
                    f"{path.name} line {number} is not an anchor written with the key"
                )
            anchors.append(anchor)
    return anchors
