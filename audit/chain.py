"""Appending to the hash chain and checking it.

Each event's `hash` is the SHA-256 of a canonical JSON of its fields, including `prev_hash`, the
hash of the event before it (by id). Appends take a transaction-scoped advisory lock, so the chain
stays a line however many processes write at once: the next writer waits until this transaction
commits or rolls back, then reads the newest committed event.

Without a key, a chain proves order and integrity of what is there, not that nothing was added
or cut at the very end by someone who can also recompute hashes; `verify_audit` prints the head
to keep elsewhere, and `--anchor ID:HASH` checks that head later.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.request_id import current_request_id

GENESIS = "0" * 64
# Any constant shared by every writer; "Enla" in ASCII.
ADVISORY_LOCK_KEY = 0x456E6C61
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_FIELDS = (
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


def canonical(fields: dict[str, Any]) -> bytes:
    """The exact bytes an event's hash covers (version 1)."""
    organization_id = fields["organization_id"]
    request_id = fields["request_id"]
    document = {
        "v": 1,
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
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


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
    kind: str  # "changed", "removed", "inserted", "anchor"
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


def verify(anchor: tuple[int, str] | None = None) -> Report:
    """Walks the chain in id order and returns the first problem.

    An event is *inserted* if the next event links past it (or, at the end, if its time runs
    backwards); *changed* if its fields no longer give its hash; a break in the links with both
    sides intact means events between them were *removed* (or the earlier one was changed and
    re-hashed, which needs the same access).
    """
    rows = _rows()
    previous: dict[str, Any] | None = None
    current = next(rows, None)
    count = 0
    anchor_seen = False
    while current is not None:
        following = next(rows, None)
        expected_prev = previous["hash"] if previous else GENESIS
        if following is not None and following["prev_hash"] == expected_prev:
            return _report(count, previous, "inserted", current, "the next event links past it")
        if digest(current) != current["hash"]:
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
        if anchor and current["id"] == anchor[0]:
            anchor_seen = True
            if current["hash"] != anchor[1]:
                return _report(count, previous, "anchor", current, "its hash is not the anchor's")
        count += 1
        previous, current = current, following
    if anchor and not anchor_seen:
        problem = Problem("anchor", anchor[0], f"event #{anchor[0]} (the anchor) was removed")
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
    }
    message = f"event #{row['id']} {labels[kind]}: {why}"
    return Report(count, _id(last_good), _hash(last_good), Problem(kind, row["id"], message))
