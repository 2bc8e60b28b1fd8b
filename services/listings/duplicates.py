"""Duplicate listings: finding candidate pairs, and a steward's merge or dismissal.

Finding: every organisation and service gets blocking keys (normalised name, phone numbers,
website, street address, a ~100 m grid cell of its locations); only records that share a key are
compared, and inside a block each record only with its NEIGHBOURS nearest on either side, ordered
by place for a shared name and by name for a shared phone, site, address or cell (the "sorted
neighbourhood"), so the work grows with the data, not with the square of a block. A block of a
few records is still compared pair by pair. Each pair is scored with
rapidfuzz on the name and address plus exact phone and website matches and the distance between
locations; pairs at or above DUPLICATES_MIN_SCORE become DuplicateCandidate rows for the review
queue. Nothing is merged without a person unless DUPLICATES_AUTO_MERGE_SCORE is set (it is not by
default) and a pair reaches it.

Merging keeps both records' provenance: every row that pointed at the merged record (children,
referrals, memberships, metadata) points at the survivor, a "merge" metadata row records it, and a
MergedRecord sends the old id's API and page requests to the survivor.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from rapidfuzz import fuzz

from services.models import (
    DuplicateCandidate,
    ImportRun,
    MergedRecord,
    Metadata,
    Organization,
    Service,
    ServiceAtLocation,
)
from services.search.index import refresh_services

RECORD_TYPES = ("organization", "service")
CANDIDATE_BATCH = 5000
MAX_BLOCK = 200  # a key shared by more records than this says nothing ("fundación", a big city)
# Each record meets this many neighbours on either side in a block's order: a block of n similar
# names costs at most n x NEIGHBOURS scores, not n x (n - 1) / 2.
NEIGHBOURS = 4
GRID = 0.001  # degrees, about 110 m
WEIGHTS = {"name": 0.5, "phone": 0.2, "website": 0.1, "address": 0.1, "distance": 0.1}
_STOPWORDS = {
    "de", "del", "la", "las", "el", "los", "y", "e", "en", "para", "por", "the", "of", "and",
    "for", "a", "an", "inc", "ltd", "sa", "sas", "ac", "asbl", "ong", "ngo", "fundacion",
    "foundation", "asociacion", "association", "corporacion", "organizacion", "organization",
    "servicio", "servicios", "service", "services",
}  # fmt: skip


def min_score() -> float:
    return float(getattr(settings, "DUPLICATES_MIN_SCORE", 0.75))


def auto_merge_score() -> float | None:
    value = getattr(settings, "DUPLICATES_AUTO_MERGE_SCORE", None)
    return float(value) if value not in (None, "") else None


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def name_key(text: str) -> str:
    words = [w for w in normalise(text).split() if w not in _STOPWORDS and not w.isdigit()]
    return " ".join(sorted(words))


def phone_key(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    # The last 8 digits: the same line written with and without its country or area code.
    return digits[-8:] if len(digits) >= 7 else ""


def website_key(url: str) -> tuple[str, str]:
    text = (url or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.sub(r"^www\.", "", text)
    host, _, path = text.partition("/")
    return host, path.strip("/")


@dataclass
class Profile:
    """What is compared about one organisation or service."""

    id: uuid.UUID
    name: str
    phones: set[str] = field(default_factory=set)
    websites: set[tuple[str, str]] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    # Computed once, not once per pair scored (a third of the old duplicate search's time).
    norm: str = field(init=False, repr=False, compare=False)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.norm = normalise(self.name)
        self.key = " ".join(
            sorted(w for w in self.norm.split() if w not in _STOPWORDS and not w.isdigit())
        )

    def keys(self) -> Iterator[str]:
        if self.key:
            yield f"n:{self.key}"
        for phone in self.phones:
            yield f"p:{phone}"
        for host, path in self.websites:
            if host:
                yield f"w:{host}/{path}"
        for address in self.addresses:
            yield f"a:{address}"
        for lat, lon in self.points:
            yield f"g:{math.floor(lat / GRID)}:{math.floor(lon / GRID)}"


def _profiles(record_type: str) -> dict[uuid.UUID, Profile]:
    """Profiles of every record of the type, read with a handful of queries."""
    profiles: dict[uuid.UUID, Profile] = {}
    model = Organization if record_type == "organization" else Service
    owner = "organization_id" if record_type == "organization" else "service_id"
    site = "website" if record_type == "organization" else "url"
    for pk, name, website in model.objects.values_list("id", "name", site).iterator(2000):
        profile = Profile(pk, name or "")
        if website:
            profile.websites.add(website_key(website))
        profiles[pk] = profile
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {owner}, number FROM services_phone WHERE {owner} IS NOT NULL"  # noqa: S608  # nosec B608 — the column name is one of two constants; no input reaches the SQL
        )
        for pk, number in cursor.fetchall():
            if pk in profiles and phone_key(number):
                profiles[pk].phones.add(phone_key(number))
        if record_type == "organization":
            places = (
                "SELECT l.organization_id, l.point, a.address_1, a.city FROM services_location l "
                "LEFT JOIN services_address a ON a.location_id = l.id "
                "WHERE l.organization_id IS NOT NULL"
            )
        else:
            places = (
                "SELECT sal.service_id, l.point, a.address_1, a.city "
                "FROM services_serviceatlocation sal JOIN services_location l ON l.id = sal.location_id "
                "LEFT JOIN services_address a ON a.location_id = l.id"
            )
        cursor.execute(
            f"SELECT owner, ST_Y(point::geometry), ST_X(point::geometry), address_1, city "  # noqa: S608  # nosec B608 — the column name is one of two constants; no input reaches the SQL
            f"FROM ({places}) AS p(owner, point, address_1, city)"
        )
        for pk, lat, lon, street, city in cursor.fetchall():
            profile = profiles.get(pk)
            if profile is None:
                continue
            if lat is not None:
                profile.points.append((lat, lon))
            if street:
                profile.addresses.add(normalise(f"{street} {city or ''}"))
    return profiles


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def score(a: Profile, b: Profile) -> tuple[float, dict[str, Any]]:
    """A score in [0, 1] and the reasons behind it (shown to the steward)."""
    signals: dict[str, float] = {}
    reasons: dict[str, Any] = {}
    signals["name"] = fuzz.token_sort_ratio(a.norm, b.norm) / 100
    reasons["name"] = round(signals["name"], 2)
    if a.phones and b.phones:
        shared = a.phones & b.phones
        signals["phone"] = 1.0 if shared else 0.0
        reasons["phone"] = bool(shared)
    if a.websites and b.websites:
        if a.websites & b.websites:
            signals["website"] = 1.0
        elif {h for h, _p in a.websites} & {h for h, _p in b.websites}:
            signals["website"] = 0.5
        else:
            signals["website"] = 0.0
        reasons["website"] = signals["website"]
    if a.addresses and b.addresses:
        signals["address"] = (
            max(fuzz.token_sort_ratio(x, y) for x in a.addresses for y in b.addresses) / 100
        )
        reasons["address"] = round(signals["address"], 2)
    if a.points and b.points:
        metres = min(_distance_m(x, y) for x in a.points for y in b.points)
        signals["distance"] = 1.0 if metres <= 50 else max(0.0, 1 - (metres - 50) / 450)
        reasons["distance_m"] = round(metres)
    total = sum(WEIGHTS[k] for k in signals)
    value = sum(WEIGHTS[k] * v for k, v in signals.items()) / total
    if len(signals) == 1:
        # A name alone is weak evidence: two "Casa del Migrante" in different cities.
        value *= 0.8
    return round(value, 4), reasons


def _candidate_pairs(
    profiles: dict[uuid.UUID, Profile], focus: set[uuid.UUID] | None
) -> Iterator[tuple[uuid.UUID, uuid.UUID]]:
    blocks: dict[str, list[uuid.UUID]] = defaultdict(list)
    for profile in profiles.values():
        for key in set(profile.keys()):
            blocks[key].append(profile.id)
    # Points near a cell's edge: compare with the 8 neighbouring cells too.
    for key in [k for k in blocks if k.startswith("g:")]:
        _, row, col = key.split(":")
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if dr or dc:
                    neighbour = f"g:{int(row) + dr}:{int(col) + dc}"
                    if neighbour in blocks and neighbour > key:
                        blocks[f"{key}|{neighbour}"] = blocks[key] + blocks[neighbour]
    seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for key, members in blocks.items():
        members = list(set(members))
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        if focus is not None and focus.isdisjoint(members):
            continue
        members.sort(key=_by_place(profiles) if key.startswith("n:") else _by_name(profiles))
        for i, first in enumerate(members):
            for second in members[i + 1 : i + 1 + NEIGHBOURS]:
                if focus is not None and first not in focus and second not in focus:
                    continue
                pair = (first, second) if first < second else (second, first)
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def _by_place(profiles: dict[uuid.UUID, Profile]):  # noqa: ANN202 - a sort key
    """Records sharing a name, nearest places next to each other (no place: last, by id)."""

    def key(pk: uuid.UUID) -> tuple[float, float, uuid.UUID]:
        points = profiles[pk].points
        lat, lon = min(points) if points else (math.inf, math.inf)
        return lat, lon, pk

    return key


def _by_name(profiles: dict[uuid.UUID, Profile]):  # noqa: ANN202 - a sort key
    """Records sharing a phone, site, address or place, most similar names next to each other."""

    def key(pk: uuid.UUID) -> tuple[str, uuid.UUID]:
        return profiles[pk].key, pk

    return key


def find_candidates(
    *,
    record_types: Iterable[str] = RECORD_TYPES,
    run: ImportRun | None = None,
    ids: Iterable[uuid.UUID] | None = None,
) -> int:
    """Scores candidate pairs and records those worth a steward's look; returns how many pairs
    are open for review. With `run` (or `ids`), only pairs involving those records are scored."""
    focus: set[uuid.UUID] | None = None
    if run is not None:
        focus = set(
            Metadata.objects.filter(import_run=run, resource_type__in=record_types).values_list(
                "resource_id", flat=True
            )
        )
    if ids is not None:
        focus = (focus or set()) | set(ids)
    if focus is not None and not focus:
        return 0
    threshold = min_score()
    merge_at = auto_merge_score()
    recorded = 0
    for record_type in record_types:
        profiles = _profiles(record_type)
        decided = {
            (c.first_id, c.second_id)
            for c in DuplicateCandidate.objects.filter(record_type=record_type).exclude(
                decision=DuplicateCandidate.Decision.OPEN
            )
        }
        found: list[DuplicateCandidate] = []
        for first, second in _candidate_pairs(profiles, focus):
            if (first, second) in decided:
                continue
            value, reasons = score(profiles[first], profiles[second])
            if value < threshold:
                continue
            found.append(
                DuplicateCandidate(
                    record_type=record_type,
                    first_id=first,
                    second_id=second,
                    score=value,
                    reasons=reasons,
                )
            )
        # One upsert per batch, not a query pair per candidate: an import of 100,000 similar
        # listings finds hundreds of thousands of pairs.
        for start in range(0, len(found), CANDIDATE_BATCH):
            DuplicateCandidate.objects.bulk_create(
                found[start : start + CANDIDATE_BATCH],
                update_conflicts=True,
                unique_fields=["record_type", "first_id", "second_id"],
                update_fields=["score", "reasons", "last_modified"],
            )
        recorded += len(found)
        if merge_at is not None:
            for candidate in found:
                if candidate.score >= merge_at:
                    stored = DuplicateCandidate.objects.get(
                        record_type=record_type,
                        first_id=candidate.first_id,
                        second_id=candidate.second_id,
                    )
                    merge(stored, keep=candidate.first_id, actor=None)
    return recorded


# ---------------------------------------------------------------------------- decisions


class MergeError(Exception):
    pass


def _model(record_type: str) -> type[models.Model]:
    if record_type == "organization":
        return Organization
    if record_type == "service":
        return Service
    raise MergeError(f"cannot merge records of type {record_type!r}")


@transaction.atomic
def merge(candidate: DuplicateCandidate, *, keep: uuid.UUID, actor: Any) -> uuid.UUID:
    """Merges the pair into the record `keep`; returns the survivor's id.

    The merged record's children, referrals and memberships move to the survivor; the survivor's
    empty fields take the merged record's values; its history (metadata) moves along, with a
    "merge" entry; the merged id redirects to the survivor."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.decision != DuplicateCandidate.Decision.OPEN:
        raise MergeError("this pair was already decided")
    if keep not in (candidate.first_id, candidate.second_id):
        raise MergeError("the record to keep is not one of the pair")
    gone_id = candidate.second_id if keep == candidate.first_id else candidate.first_id
    model = _model(candidate.record_type)
    survivor = model.objects.select_for_update().get(pk=keep)
    gone = model.objects.select_for_update().get(pk=gone_id)
    affected = _services_of(model, [survivor.pk, gone.pk])

    _fill_blanks(survivor, gone)
    if model is Service:
        _move_service_at_locations(gone, survivor)
    _move_related(model, gone, survivor)
    Metadata.objects.filter(resource_id=gone.pk).update(resource_id=survivor.pk)
    now = timezone.now()
    username = getattr(actor, "get_username", lambda: "")() or "duplicates"
    Metadata.objects.create(
        resource_id=survivor.pk,
        resource_type=candidate.record_type,
        last_action_date=now,
        last_action_type="merge",
        field_name="id",
        previous_value=str(gone.pk),
        replacement_value=str(survivor.pk),
        updated_by=username[:200],
    )
    MergedRecord.objects.filter(new_id=gone.pk).update(new_id=survivor.pk)
    MergedRecord.objects.update_or_create(
        old_id=gone.pk,
        defaults={
            "record_type": candidate.record_type,
            "new_id": survivor.pk,
            "merged_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    gone.delete()
    candidate.decision = DuplicateCandidate.Decision.MERGED
    candidate.decided_by = actor if getattr(actor, "pk", None) else None
    candidate.decided_at = now
    candidate.save(update_fields=["decision", "decided_by", "decided_at", "last_modified"])
    # Other open pairs that named the merged record now name the survivor (or vanish).
    for other in DuplicateCandidate.objects.filter(
        models.Q(first_id=gone.pk) | models.Q(second_id=gone.pk),
        record_type=candidate.record_type,
        decision=DuplicateCandidate.Decision.OPEN,
    ):
        ids = {other.first_id, other.second_id} - {gone.pk} | {survivor.pk}
        other.delete()
        if len(ids) == 2:
            first, second = sorted(ids)
            DuplicateCandidate.objects.get_or_create(
                record_type=candidate.record_type,
                first_id=first,
                second_id=second,
                defaults={"score": other.score, "reasons": other.reasons},
            )
    _audit(actor, "services.duplicate_merged", survivor, {"merged_id": str(gone.pk)})
    affected.discard(gone.pk)
    refresh_services(affected | ({survivor.pk} if model is Service else set()))
    return survivor.pk


@transaction.atomic
def dismiss(candidate: DuplicateCandidate, *, actor: Any) -> None:
    """Records that the pair is not a duplicate; it will not be proposed again."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.decision != DuplicateCandidate.Decision.OPEN:
        raise MergeError("this pair was already decided")
    candidate.decision = DuplicateCandidate.Decision.DISMISSED
    candidate.decided_by = actor if getattr(actor, "pk", None) else None
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["decision", "decided_by", "decided_at", "last_modified"])
    _audit(actor, "services.duplicate_dismissed", candidate, {})


def _audit(actor: Any, action: str, obj: models.Model, details: dict[str, Any]) -> None:
    from audit import record

    record(actor=actor, action=action, obj=obj, details=details)


def _services_of(model: type[models.Model], ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if model is Service:
        return set(ids)
    return set(Service.objects.filter(organization_id__in=ids).values_list("id", flat=True))


def _fill_blanks(survivor: models.Model, gone: models.Model) -> None:
    changed = []
    for f in survivor._meta.concrete_fields:
        if f.primary_key or f.is_relation or not f.editable or f.name in ("created_at",):
            continue
        if isinstance(f, models.BooleanField):
            continue
        mine, theirs = getattr(survivor, f.attname), getattr(gone, f.attname)
        if mine in (None, "", []) and theirs not in (None, "", []):
            setattr(survivor, f.attname, theirs)
            changed.append(f.attname)
    if changed:
        survivor.save(update_fields=[*changed, "last_modified"])


def _move_service_at_locations(gone: Service, survivor: Service) -> None:
    """Both services at one location: the merged one's link goes, its phones, contacts and
    schedules move to the survivor's link."""
    mine = {sal.location_id: sal for sal in ServiceAtLocation.objects.filter(service=survivor)}
    for sal in ServiceAtLocation.objects.filter(service=gone):
        twin = mine.get(sal.location_id)
        if twin is None:
            continue
        for relation in ServiceAtLocation._meta.related_objects:
            if relation.one_to_many:
                relation.related_model._base_manager.filter(**{relation.field.name: sal}).update(
                    **{relation.field.name: twin}
                )
        sal.delete()


def _move_related(model: type[models.Model], gone: models.Model, survivor: models.Model) -> None:
    for relation in model._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        manager = relation.related_model._base_manager
        rows = manager.filter(**{relation.field.name: gone})
        try:
            with transaction.atomic():
                rows.update(**{relation.field.name: survivor})
        except IntegrityError as error:
            if relation.related_model._meta.app_label != "services":
                # Referrals, memberships: never dropped to make a merge fit.
                raise MergeError(
                    f"{relation.related_model._meta.verbose_name} rows conflict; merge refused"
                ) from error
            # A directory row the survivor already has (the same language twice): redundant.
            rows.delete()
    # Taxonomy links are not foreign keys (HSDS attributes link any record by id).
    from services.models import Attribute

    kept = set(
        Attribute.objects.filter(link_id=survivor.pk).values_list("taxonomy_term_id", "link_type")
    )
    for attribute in Attribute.objects.filter(link_id=gone.pk):
        if (attribute.taxonomy_term_id, attribute.link_type) in kept:
            attribute.delete()
        else:
            attribute.link_id = survivor.pk
            attribute.save(update_fields=["link_id", "last_modified"])
