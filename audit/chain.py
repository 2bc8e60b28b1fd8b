"""Appending to the hash chain and checking it.

Each event's `hash` covers a canonical JSON of its fields, including `prev_hash`, the hash of the
event before it (by id). Since the chain was keyed it is an HMAC-SHA256 under the chain key named
by the event's `key_id` (AUDIT_CHAIN_KEY, from the environment or a file, never the database):
whoever can write to the database but does not hold the key cannot re-hash a chain they cut or
changed. Events from before the key (`key_id` empty) keep their plain SHA-256 and are verified as
before; an unkeyed event after a keyed one is a break. Several keys may be configured (the first
signs, the others still verify), so the key can rotate.

The head (newest id and hash) is written regularly to an append-only file outside PostgreSQL
(audit.anchor); `verify` checks every anchor, so events cut from the end, or a chain re-hashed
from the start, are found too.

Appends take a transaction-scoped advisory lock, so the chain stays a line however many
processes write at once: the next writer waits until this transaction commits or rolls back,
then reads the newest committed event.
"""

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.request_id import current_request_id

GENESIS = "0" * 64
# Any constant shared by every writer; "Enla" in ASCII.
ADVISORY_LOCK_KEY = 0x456E6C61
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_KEY_ID = re.compile(r"^[a-z0-9]{1,16}$")
MIN_KEY_LENGTH = 32
_FIELDS = (
    "key_id",
    "id",
    "occurred_at",
    "actor_id",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "details",
    "prev_hash",
    "hash",
)


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_keys() -> dict[str, bytes]:
    """The configured chain keys by id, the signing key first.

    AUDIT_CHAIN_KEY is "ID:SECRET", or "ID:SECRET,OLDID:OLDSECRET,…" while a key rotates; ids are
    short lower-case codes, secrets at least 32 characters.
    """
    raw = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        if not sep or not _KEY_ID.match(key_id) or len(secret) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                "AUDIT_CHAIN_KEY must be ID:SECRET (id: lower-case letters and digits, secret: "
                f"at least {MIN_KEY_LENGTH} characters), comma-separated while a key rotates."
            )
        keys[key_id] = secret.encode()
    return keys


def signing_key_id() -> str:
    """The id of the key new events are hashed under, or "" when no key is configured."""
    return next(iter(chain_keys()), "")


class UnknownKey(LookupError):
    pass


def canonical(fields: dict[str, Any]) -> bytes:
    """The exact bytes an event's hash covers: version 1 unkeyed, version 2 keyed."""
    organization_id = fields["organization_id"]
    request_id = fields["request_id"]
    key_id = fields.get("key_id") or ""
    document = {
        "v": 2 if key_id else 1,
        "id": fields["id"],
        "occurred_at": _timestamp(fields["occurred_at"]),
        "actor_id": fields["actor_id"],
        "organization_id": str(organization_id) if organization_id else None,
        "action": fields["action"],
        "object_type": fields["object_type"],
        "object_id": fields["object_id"],
        "request_id": str(request_id) if request_id else None,
        "details": fields["details"] or {},
        "prev_hash": fields["prev_hash"],
    }
    if key_id:
        document["key_id"] = key_id
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def digest(fields: dict[str, Any], keys: dict[str, bytes] | None = None) -> str:
    """The event's hash: HMAC-SHA256 under its key, or plain SHA-256 for an unkeyed event.

    Raises UnknownKey when the event names a key that is not configured.
    """
    key_id = fields.get("key_id") or ""
    if not key_id:
        return hashlib.sha256(canonical(fields)).hexdigest()
    keys = chain_keys() if keys is None else keys
    if key_id not in keys:
        raise UnknownKey(key_id)
    return hmac.new(keys[key_id], canonical(fields), hashlib.sha256).hexdigest()


def _clean_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details are codes and ids (a role before and after, a count), never free text."""
    if not details:
        return {}
    if len(details) > 10:
        raise ValueError("audit details hold at most 10 codes")
    clean: dict[str, Any] = {}
    for key, value in details.items():
        if not isinstance(key, str) or not _DETAIL_KEY.match(key):
            raise ValueError(f"audit detail key {key!r} is not a short code")
        if isinstance(value, uuid.UUID):
            value = str(value)
        if isinstance(value, str) and len(value) > 64:
            raise ValueError(f"audit detail {key!r} is longer than a code")
        if value is not None and not isinstance(value, str | int | bool):
            raise ValueError(f"audit detail {key!r} must be a code, a number or a yes/no")
        clean[key] = value
    return clean


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def append(
    *,
    actor: Any,
    action: str,
    organization: Any = None,
    obj: models.Model | None = None,
    request: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event and returns it.

    actor: a user, a user id, or None (the system, or someone not signed in); organization: an
    Organization, its id, or None; obj: the model instance acted upon. Only their ids are kept.
    Call it inside the transaction that makes the change, as late as possible: the lock it takes
    is held until that transaction ends.
    """
    if not ACTION.match(action) or len(action) > 64:
        raise ValueError(f"audit action {action!r} must look like 'app.verb'")
    actor_id = _pk(actor)  # AnonymousUser's pk is None
    organization_id = _pk(organization)
    if organization_id is not None and not isinstance(organization_id, uuid.UUID):
        organization_id = uuid.UUID(str(organization_id))
    request_id = getattr(request, "request_id", None) or current_request_id()
    fields: dict[str, Any] = {
        "actor_id": int(actor_id) if actor_id is not None else None,
        "organization_id": organization_id,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "request_id": request_id,
        "details": _clean_details(details),
        "key_id": signing_key_id(),
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            cursor.execute(
                "SELECT hash, occurred_at FROM audit_auditevent ORDER BY id DESC LIMIT 1"
            )
            last = cursor.fetchone()
            cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
            (fields["id"],) = cursor.fetchone()
        now = timezone.now()
        # Time never runs backwards along the chain, even if two servers' clocks disagree.
        fields["occurred_at"] = max(now, last[1]) if last else now
        fields["prev_hash"] = last[0] if last else GENESIS
        fields["hash"] = digest(fields)
        event = AuditEvent(**fields)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Problem:
    kind: str  # "changed", "removed", "inserted", "rehashed", "key", "anchor"
    event_id: int | None
    message: str


@dataclass(frozen=True)
class Report:
    count: int
    head_id: int | None
    head_hash: str | None
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows() -> Iterator[dict[str, Any]]:
    query = AuditEvent.objects.order_by("id").values(*_FIELDS)
    yield from query.iterator(chunk_size=2000)


def verify(
    anchor: tuple[int, str] | None = None, anchors: list[tuple[int, str, str]] | None = None
) -> Report:
    """Walks the chain in id order and returns the first problem.

    An event is *inserted* if the next event links past it (or, at the end, if its time runs
    backwards); *changed* if its fields no longer give its hash under its key; a break in the
    links with both sides intact means events between them were *removed* (or the earlier one
    was changed and re-hashed, which needs the same access); an unkeyed event after a keyed one
    was *re-hashed* without the key. Each anchor (id, hash, where it was kept) must find its
    event with that very hash.
    """
    keys = chain_keys()
    pinned: dict[int, tuple[str, str]] = {}
    for anchor_id, anchor_hash, where in anchors or []:
        pinned.setdefault(anchor_id, (anchor_hash, where))
    if anchor:
        pinned.setdefault(anchor[0], (anchor[1], "--anchor"))
    rows = _rows()
    previous: dict[str, Any] | None = None
    current = next(rows, None)
    count = 0
    keyed_since: int | None = None
    while current is not None:
        following = next(rows, None)
        expected_prev = previous["hash"] if previous else GENESIS
        if following is not None and following["prev_hash"] == expected_prev:
            return _report(count, previous, "inserted", current, "the next event links past it")
        try:
            expected_hash = digest(current, keys)
        except UnknownKey:
            return _report(
                count,
                previous,
                "key",
                current,
                f"its key {current['key_id']!r} is not configured (AUDIT_CHAIN_KEY)",
            )
        if not hmac.compare_digest(expected_hash, current["hash"]):
            return _report(count, previous, "changed", current, "its fields do not give its hash")
        if current["prev_hash"] != expected_prev:
            after = f"#{previous['id']}" if previous else "the start"
            return _report(
                count,
                previous,
                "removed",
                current,
                f"the chain breaks between {after} and it: events between them were removed",
            )
        if previous is not None and current["occurred_at"] < previous["occurred_at"]:
            return _report(count, previous, "inserted", current, "its time runs backwards")
        if current["key_id"]:
            keyed_since = keyed_since or current["id"]
        elif keyed_since is not None:
            return _report(
                count,
                previous,
                "rehashed",
                current,
                f"it has no key though the chain is keyed since #{keyed_since}",
            )
        if current["id"] in pinned:
            anchor_hash, where = pinned.pop(current["id"])
            if current["hash"] != anchor_hash:
                return _report(
                    count, previous, "anchor", current, f"its hash is not the one kept in {where}"
                )
        count += 1
        previous, current = current, following
    if pinned:
        anchor_id = min(pinned)
        where = pinned[anchor_id][1]
        problem = Problem(
            "anchor", anchor_id, f"event #{anchor_id} (anchored in {where}) was removed"
        )
        return Report(count, _id(previous), _hash(previous), problem)
    return Report(count, _id(previous), _hash(previous), None)


def _id(row: dict[str, Any] | None) -> int | None:
    return row["id"] if row else None


def _hash(row: dict[str, Any] | None) -> str | None:
    return row["hash"] if row else None


def _report(
    count: int, last_good: dict[str, Any] | None, kind: str, row: dict[str, Any], why: str
) -> Report:
    labels = {
        "inserted": "was inserted out of order",
        "changed": "was changed",
        "removed": "follows removed events",
        "anchor": "does not match the anchor",
        "rehashed": "was re-hashed without the chain key",
        "key": "cannot be checked",
    }
    message = f"event #{row['id']} {labels[kind]}: {why}"
    return Report(count, _id(last_good), _hash(last_good), Problem(kind, row["id"], message))
