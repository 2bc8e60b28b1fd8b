"""Precomputed public documents: each public service's API list item per content language.

Invariants:
- A document is built by the same code that serialises a list item from the models
  (results._load_hit_services, visibility.prune, api.serializers.service_list_items), so a page
  stitched from documents is the page the models give, key for key.
- Only a service the public may find (active, of a published organisation; see PUBLIC_SQL) has
  documents; rebuilding a service that is no longer public deletes them.
- Documents are rebuilt by refresh_services() after it recomputes the search columns, the path
  every change of what a listing shows already takes. A document whose `service_modified` is
  not its search row's `last_modified` (the service was saved without a refresh) is not
  served: the item is built from the models instead, as it is for a service with none.
- Values that depend on the moment or the searcher (`distance_km`, `open_now`,
  `capacity_available`) are filled at request time from the search row and the stored hours,
  never from models.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from services import hours, visibility
from services.querysets import CAPACITY_VALID_HOURS

# Keys whose value is filled per request; the serializer drops them when empty (_EMPTY).
REQUEST_KEYS = ("capacity_available", "open_now", "distance_km")
_EMPTY = (None, "", [])
# What refresh_services() rebuilds at once: bounded memory whatever the number of services.
CHUNK = 500
# Schedule fields hours.schedule_open_at() and build_rule() read.
_RULE_FIELDS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "dtstart",
    "until",
    "count",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
)
_DATES = ("dtstart", "until", "valid_from", "valid_to")
_TIMES = ("opens_at", "closes_at")


def content_languages() -> list[str]:
    return [code for code, _name in settings.CONTENT_LANGUAGES]


def changed_at(objects: Iterable[Any]) -> dt.datetime | None:
    """The latest `last_modified` among the objects and everything loaded with them."""
    moments = [
        obj.__dict__["last_modified"]
        for obj in visibility.walk_loaded(objects)
        if obj.__dict__.get("last_modified") is not None
    ]
    return max(moments, default=None)


def _hours_of(service: Any) -> dict[str, Any]:
    """What is_open_now reads of a loaded service, as JSON: its zone and its rules."""
    rules = []
    for schedule in hours.schedules_of(service):
        if not schedule.freq:
            continue
        rule = {}
        for name in _RULE_FIELDS:
            value = getattr(schedule, name)
            rule[name] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
        rules.append(rule)
    return {"zone": hours.service_time_zone(service), "rules": rules}


def _rule(stored: dict[str, Any]) -> types.SimpleNamespace:
    values = dict(stored)
    for name in _DATES:
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    for name in _TIMES:
        if values.get(name):
            values[name] = dt.time.fromisoformat(values[name])
    return types.SimpleNamespace(**values)


def open_now(open_24_7: bool, stored: dict[str, Any] | None, at: dt.datetime) -> bool | None:
    """hours.is_open_now() from a document's stored hours."""
    if open_24_7:
        return True
    rules = (stored or {}).get("rules") or []
    if not rules:
        return None
    local = at.astimezone(hours._zone(stored["zone"])).replace(tzinfo=None)
    try:
        return any(hours.schedule_open_at(_rule(rule), local) for rule in rules)
    except ValidationError:
        return None


# Who may be found: what search's own filter reads (an active row of the search table), and an
# organisation the public may see (visibility).
PUBLIC_SQL = "SELECT r.id FROM services_searchrow r WHERE r.id = ANY(%s) AND r.status = 'active'"


def discard(ids: list[uuid.UUID] | None) -> None:
    """Deletes the documents of these services (None: of every service)."""
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM services_servicedocument")
        elif ids:
            cursor.execute("DELETE FROM services_servicedocument WHERE service_id = ANY(%s)", [ids])


def missing_ids() -> list[uuid.UUID]:
    """Active services without documents (after a bulk load), for build_documents."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id FROM services_searchrow r WHERE r.status = 'active' AND NOT EXISTS"
            " (SELECT 1 FROM services_servicedocument d WHERE d.service_id = r.id)"
        )
        return [row[0] for row in cursor.fetchall()]


def rebuild(ids: Iterable[uuid.UUID]) -> int:
    """Rebuilds the documents of these services (deletes those of services not public);
    returns how many services got documents."""
    from services.api.serializers import service_list_items
    from services.search.results import _load_hit_services

    id_list = list(dict.fromkeys(ids))
    built = 0
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM services_servicedocument WHERE service_id = ANY(%s)", [chunk]
            )
            cursor.execute(PUBLIC_SQL, [chunk])
            public = [row[0] for row in cursor.fetchall()]
            if not public:
                continue
            by_id = _load_hit_services(public, page=False)
            visibility.prune(by_id.values())
            services = list(by_id.values())
            rows = []
            for lang in content_languages():
                items = service_list_items(services, lang=lang, distances=dict.fromkeys(by_id))
                for service, item in zip(services, items, strict=True):
                    for key in REQUEST_KEYS:
                        item.setdefault(key, None)
                    rows.append(
                        (
                            service.id,
                            lang,
                            json.dumps(_ordered(item), ensure_ascii=False),
                            json.dumps(_hours_of(service)),
                            changed_at([service]),
                            service.last_modified,
                        )
                    )
            cursor.executemany(
                "INSERT INTO services_servicedocument"
                " (service_id, lang, body, hours, changed_at, service_modified)"
                " VALUES (%s, %s, %s, %s::jsonb, %s, %s)"
                # Two refreshes of one service at once: the later commit's documents stay.
                " ON CONFLICT (service_id, lang) DO UPDATE SET body = EXCLUDED.body,"
                " hours = EXCLUDED.hours, changed_at = EXCLUDED.changed_at,"
                " service_modified = EXCLUDED.service_modified",
                rows,
            )
            built += len(services)
    return built


def _ordered(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its per-request keys where the serializer declares them."""
    from services.api.serializers.list_items import _SERVICE_PLAN

    order = [name for name, _field in _SERVICE_PLAN]
    position = {name: index for index, name in enumerate(order)}
    last = len(order)
    return dict(sorted(item.items(), key=lambda pair: position.get(pair[0], last)))


def page_items(
    rows: list[tuple[uuid.UUID, float | None]], *, lang: str, now: dt.datetime | None = None
) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """The list items of a page of hits ([(id, metres)] in order) and their latest change, read
    from documents in one query; a hit with no current document is built from the models."""
    if not rows:
        return [], None
    ids = [row[0] for row in rows]
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, d.body, d.hours, d.changed_at, r.open_24_7, r.capacity_available,"
            " r.capacity_updated_at FROM services_searchrow r"
            " LEFT JOIN services_servicedocument d ON d.service_id = r.id AND d.lang = %s"
            " AND d.service_modified = r.last_modified WHERE r.id = ANY(%s)",
            [lang, ids],
        )
        found = {row[0]: row for row in cursor.fetchall()}
    missing = [i for i in ids if found.get(i) is None or found[i][1] is None]
    built = _from_models(missing, lang=lang) if missing else {}
    items = []
    moments = []
    for service_id, metres in rows:
        distance = round(metres / 1000.0, 3) if metres is not None else None
        if service_id in built:
            item, moment = built[service_id]
            item = dict(item)
            item["distance_km"] = distance
        elif found.get(service_id) is None or found[service_id][1] is None:
            continue  # deleted between the search statement and this one
        else:
            _id, body, stored_hours, moment, open_24_7, capacity, capacity_at = found[service_id]
            item = json.loads(body)
            current = capacity_at is not None and now - capacity_at <= dt.timedelta(
                hours=CAPACITY_VALID_HOURS
            )
            item["capacity_available"] = capacity if current else None
            hours_json = json.loads(stored_hours) if isinstance(stored_hours, str) else stored_hours
            item["open_now"] = open_now(open_24_7, hours_json, now)
            item["distance_km"] = distance
        for key in REQUEST_KEYS:
            if key in item and item[key] in _EMPTY:
                del item[key]
        items.append(item)
        if moment is not None:
            moments.append(moment)
    return items, max(moments, default=None)


def _from_models(ids: list[uuid.UUID], *, lang: str) -> dict[uuid.UUID, tuple[dict, Any]]:
    """List items built from the models (per-request keys included), with their latest change."""
    from services.api.serializers import service_list_items
    from services.search.results import _load_hit_services

    by_id = _load_hit_services(ids, page=False)
    visibility.prune(by_id.values())
    services = [by_id[i] for i in ids if i in by_id]
    items = service_list_items(services, lang=lang, distances={})
    return {
        service.id: (_ordered({**dict.fromkeys(REQUEST_KEYS), **item}), changed_at([service]))
        for service, item in zip(services, items, strict=True)
    }


# What a list item shows, by the record that holds it, and the services each record reaches:
# a save or delete of one discards those services' documents at once (the items are built from
# the models until the refresh that follows the change rebuilds them), so that a write made
# without a refresh can never leave an older document served.
_REACHED_SQL = {
    "Service": "SELECT %s::uuid",
    "Organization": "SELECT id FROM services_service WHERE organization_id = %s",
    "Program": "SELECT id FROM services_service WHERE program_id = %s",
    "ServiceAtLocation": "SELECT service_id FROM services_serviceatlocation WHERE id = %s",
    "Location": "SELECT service_id FROM services_serviceatlocation WHERE location_id = %s",
}


def _discard_reached(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded: their refresh follows
    name = sender.__name__
    if name == "Schedule":
        # A schedule hangs off a service, a service's link to a place, or a place.
        reached = (
            "SELECT %s::uuid UNION SELECT service_id FROM services_serviceatlocation"
            " WHERE id = %s OR location_id = %s"
        )
        args = [instance.service_id, instance.service_at_location_id, instance.location_id]
    else:
        reached, args = _REACHED_SQL[name], [instance.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM services_servicedocument WHERE service_id IN ("  # noqa: S608  # nosec B608
            + reached
            + ")",
            args,
        )
    if name == "ServiceAtLocation" and instance.service_id is not None:
        # A link being deleted may already be gone from the table.
        discard([instance.service_id])


def connect_signals() -> None:
    from django.db.models.signals import post_save, pre_delete

    from services import models as m

    for model in (
        m.Service,
        m.Organization,
        m.Program,
        m.ServiceAtLocation,
        m.Location,
        m.Schedule,
    ):
        uid = f"documents-{model.__name__}"
        post_save.connect(_discard_reached, sender=model, dispatch_uid=uid)
        # Before the delete, while the links that reach the services still exist.
        pre_delete.connect(_discard_reached, sender=model, dispatch_uid=uid)
