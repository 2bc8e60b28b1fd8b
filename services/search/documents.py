"""Precomputed public documents: each public service's API list item per content language and
its result card per interface language (the two sets of languages are one: config/languages.py).

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
- A card is built by the code that draws one from the models (templatetags/cards.card_parts,
  from what views.hit_views gives), once per location the card can be shown at (the one
  nearest the searcher, as results.nearest_location picks it), with the location's public
  point only. It is served only while its `key` is this process's (card_key: the card's code
  and the interface words of its language); else it is drawn from the models.
- Values that depend on the moment or the searcher (`distance_km`, `open_now`,
  `capacity_available`, a card's distance line and hours badge) are filled at request time
  from the search row and the stored hours, never from models.
- Building is a bulk pass: one chunk of services costs a fixed number of statements (the
  delete, the public check, the loads of results._load_hit_services and one INSERT), whatever
  its size.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import types
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

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
    """Active services without current documents in every language: none (after a bulk load),
    older than their search row, or a card of another release (card_key)."""
    langs = content_languages()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id FROM services_searchrow r WHERE r.status = 'active' AND"
            " (SELECT count(*) FROM services_servicedocument d"
            "  JOIN unnest(%s::text[], %s::text[]) AS k(lang, key) ON k.lang = d.lang"
            "  WHERE d.service_id = r.id AND d.service_modified = r.last_modified"
            "  AND d.card ->> 'key' = k.key) < %s",
            [langs, [card_key(lang) for lang in langs], len(langs)],
        )
        return [row[0] for row in cursor.fetchall()]


def build_missing() -> int:
    """Builds the documents missing_ids() names, a chunk per transaction; returns how many
    services got documents."""
    ids = missing_ids()
    return sum(rebuild(ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK))


def rebuild(ids: Iterable[uuid.UUID]) -> int:
    """Rebuilds the documents of these services (deletes those of services not public);
    returns how many services got documents."""
    id_list = list(dict.fromkeys(ids))
    built = 0
    for start in range(0, len(id_list), CHUNK):
        built += _rebuild_chunk(id_list[start : start + CHUNK])
    return built


def _rebuild_chunk(chunk: list[uuid.UUID]) -> int:
    from services.api.serializers import service_list_items
    from services.search.results import _load_hit_services, attach_card_rows

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM services_servicedocument WHERE service_id = ANY(%s)", [chunk])
        cursor.execute(PUBLIC_SQL, [chunk])
        public = [row[0] for row in cursor.fetchall()]
        if not public:
            return 0
        by_id = _load_hit_services(public, page=False)
        visibility.prune(by_id.values())
        services = list(by_id.values())
        stored_hours = {service.id: json.dumps(_hours_of(service)) for service in services}
        # Over what an API item is built from, as the models' path computes it.
        changed = {service.id: changed_at([service]) for service in services}
        items = {
            lang: service_list_items(services, lang=lang, distances=dict.fromkeys(by_id))
            for lang in content_languages()
        }
        attach_card_rows(by_id)
        visibility.prune(by_id.values())
        columns: tuple[list[Any], ...] = ([], [], [], [], [], [], [])
        for lang in content_languages():
            with translation.override(lang):
                cards = build_cards(services, lang)
            for service, item in zip(services, items[lang], strict=True):
                for key in REQUEST_KEYS:
                    item.setdefault(key, None)
                for column, value in zip(
                    columns,
                    (
                        service.id,
                        lang,
                        json.dumps(_ordered(item), ensure_ascii=False),
                        stored_hours[service.id],
                        changed[service.id],
                        service.last_modified,
                        json.dumps(cards[service.id], ensure_ascii=False),
                    ),
                    strict=True,
                ):
                    column.append(value)
        # COPY into a scratch table, then one upsert: a fixed number of statements for the
        # whole chunk, and no value quoted into SQL text.
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS enlace_document_load"
            " (service_id uuid, lang text, body text, hours text, changed_at timestamptz,"
            " service_modified timestamptz, card text) ON COMMIT DELETE ROWS"
        )
        # Emptied by each commit; this is for a chunk inside a caller's longer transaction.
        cursor.execute("DELETE FROM enlace_document_load")
        with cursor.copy(
            "COPY enlace_document_load"
            " (service_id, lang, body, hours, changed_at, service_modified, card) FROM STDIN"
        ) as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)
        cursor.execute(
            "INSERT INTO services_servicedocument"
            " (service_id, lang, body, hours, changed_at, service_modified, card)"
            " SELECT service_id, lang, body, hours::jsonb, changed_at, service_modified,"
            " card::jsonb FROM enlace_document_load"
            # Two refreshes of one service at once: the later commit's documents stay.
            " ON CONFLICT (service_id, lang) DO UPDATE SET body = EXCLUDED.body,"
            " hours = EXCLUDED.hours, changed_at = EXCLUDED.changed_at,"
            " service_modified = EXCLUDED.service_modified, card = EXCLUDED.card"
        )
        return len(services)


# Bumped whenever the card's markup or the way it is cut changes (templatetags/cards.py).
CARD_FORMAT = 2


@functools.cache
def card_key(lang: str) -> str:
    """What a stored card in `lang` must have been built with to be served: the card's format,
    its interface words and the listing address in that language. A release that changes
    either makes every stored card in that language unservable until it is rebuilt."""
    from services.templatetags.cards import _Labels, listing_url

    with translation.override(lang):
        labels = _Labels()
        words = {k: v for k, v in vars(labels).items() if k != "language_names"}
        words["url"] = listing_url()
    blob = json.dumps([CARD_FORMAT, lang, sorted(words.items())], default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def build_cards(services: list[Any], lang: str) -> dict[uuid.UUID, dict[str, Any]]:
    """Each loaded, pruned service's stored card in the active language `lang`: one variant
    per location it may be shown at, in the order results.nearest_location reads them (a
    service without locations: one, shown nowhere)."""
    from services.confidential import public_location
    from services.public.hits import _card_phones
    from services.templatetags.cards import _Labels, card_parts, listing_url

    labels = _Labels()
    url = listing_url()
    key = card_key(lang)
    cards = {}
    for service in services:
        links = list(service.service_at_locations.all())
        areas = [area for area in service.service_areas.all() if area.region_id]
        languages = list(service.languages.all())
        variants = []
        for link in links:
            place = public_location(link.location, lang=lang)
            phones = _card_phones(
                service, [place], [each for each in links if each.location_id == place.id]
            )
            point = link.location.public_point
            parts = card_parts(service, place, phones, areas, languages, url, labels)
            variants.append(
                {
                    "location": str(place.id),
                    "at": [point.x, point.y] if point is not None else None,
                    **parts.as_json(),
                }
            )
        if not variants:
            parts = card_parts(
                service, None, _card_phones(service, []), areas, languages, url, labels
            )
            variants.append({"location": None, "at": None, **parts.as_json()})
        cards[service.id] = {"key": key, "variants": variants}
    return cards


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


# What a list item or a card shows, by the record that holds it, and the services each record
# reaches: a save or delete of one discards those services' documents at once (their items and
# cards are drawn from the models until the refresh that follows the change rebuilds them), so
# that a write made without a refresh can never leave an older document served.
_LINKS = "SELECT service_id FROM services_serviceatlocation WHERE "
_REACHED_SQL = {
    "Service": "SELECT %(id)s::uuid",
    "Organization": "SELECT id FROM services_service WHERE organization_id = %(id)s",
    "Program": "SELECT id FROM services_service WHERE program_id = %(id)s",
    "ServiceAtLocation": _LINKS + "id = %(id)s",
    "Location": _LINKS + "location_id = %(id)s",
    # A schedule or phone hangs off a service, a service's link to a place, or a place.
    "Schedule": "SELECT %(service)s::uuid UNION "
    + _LINKS
    + "id = %(link)s OR location_id = %(location)s",
    "Phone": "SELECT %(service)s::uuid UNION "
    + _LINKS
    + "id = %(link)s OR location_id = %(location)s",
    "Language": "SELECT %(service)s::uuid UNION " + _LINKS + "location_id = %(location)s",
    "ServiceArea": "SELECT %(service)s::uuid",
    "Attribute": "SELECT %(linked)s::uuid",
    # A term's name is on the cards of the services tagged with it.
    "TaxonomyTerm": "SELECT link_id FROM services_attribute WHERE taxonomy_term_id = %(id)s"
    " AND link_entity = 'service'",
    # A region's name and time zone: on the cards and in the hours of the services placed or
    # serving there.
    "Region": "SELECT sal.service_id FROM services_serviceatlocation sal JOIN services_location l"
    " ON l.id = sal.location_id WHERE l.region_id = %(id)s"
    " UNION SELECT service_id FROM services_servicearea WHERE region_id = %(id)s",
}


def _reached_args(instance: Any) -> dict[str, Any]:
    return {
        "id": instance.pk,
        "service": getattr(instance, "service_id", None),
        "link": getattr(instance, "service_at_location_id", None),
        "location": getattr(instance, "location_id", None),
        "linked": getattr(instance, "link_id", None),
    }


def reached(instance: Any) -> list[uuid.UUID]:
    """The services whose documents show this record (the admin refreshes them after a save)."""
    with connection.cursor() as cursor:
        cursor.execute(_REACHED_SQL[type(instance).__name__], _reached_args(instance))
        return [row[0] for row in cursor.fetchall() if row[0] is not None]


def _discard_reached(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded: their refresh follows
    name = sender.__name__
    if name == "Attribute" and instance.link_entity != "service":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM services_servicedocument WHERE service_id IN ("  # noqa: S608  # nosec B608
            + _REACHED_SQL[name]
            + ")",
            _reached_args(instance),
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
        m.Phone,
        m.Language,
        m.ServiceArea,
        m.Attribute,
        m.TaxonomyTerm,
        m.Region,
    ):
        uid = f"documents-{model.__name__}"
        post_save.connect(_discard_reached, sender=model, dispatch_uid=uid)
        # Before the delete, while the links that reach the services still exist.
        pre_delete.connect(_discard_reached, sender=model, dispatch_uid=uid)


class StoredCard:
    """A result card read from its document, with this request's values: what
    templatetags/cards.hit_cards stitches (as it draws a views.HitView from the models)."""

    __slots__ = ("card", "distance_km", "open_24_7", "open_now")

    def __init__(
        self, card: Any, distance_km: float | None, open_24_7: bool, open_now: bool | None
    ) -> None:
        self.card, self.distance_km, self.open_24_7, self.open_now = (
            card,
            distance_km,
            open_24_7,
            open_now,
        )


class _Spot:
    """A stored public point as results.haversine_km reads one."""

    __slots__ = ("x", "y")

    def __init__(self, at: list[float]) -> None:
        self.x, self.y = at


def _shown_variant(variants: list[dict[str, Any]], origin: Any) -> dict[str, Any]:
    """The variant of the location results.nearest_location would show."""
    from services.search.results import haversine_km

    placed = [variant for variant in variants if variant["at"] is not None]
    if origin is None or not placed:
        return (placed or variants)[0]
    return min(
        placed,
        key=lambda variant: (haversine_km(origin, _Spot(variant["at"])), variant["location"]),
    )


def page_cards(
    rows: list[tuple[uuid.UUID, float | None]],
    *,
    lang: str,
    origin: Any = None,
    area_region: int | None = None,
    now: dt.datetime | None = None,
) -> list[Any]:
    """The result cards of a page of hits ([(id, metres)] in order), shown nearest `origin` (a
    point, or None), in the active interface language `lang`: read from documents in one query,
    each a StoredCard; a hit without a current card is drawn from the models (a views.HitView).
    `area_region`: only services whose areas served include that region (national hotlines)."""
    from services.templatetags.cards import CardParts

    if not rows:
        return []
    ids = [row[0] for row in rows]
    now = now or timezone.now()
    key = card_key(lang)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, d.card, d.hours, r.open_24_7, r.area_region_ids"
            " FROM services_searchrow r LEFT JOIN services_servicedocument d"
            " ON d.service_id = r.id AND d.lang = %s AND d.service_modified = r.last_modified"
            " WHERE r.id = ANY(%s)",
            [lang, ids],
        )
        found = {}
        for service_id, card, stored_hours, open_24_7, areas in cursor.fetchall():
            if area_region is not None and area_region not in (areas or ()):
                continue
            if isinstance(card, str):
                card = json.loads(card)
            if isinstance(stored_hours, str):
                stored_hours = json.loads(stored_hours)
            found[service_id] = (card, stored_hours, open_24_7)
    missing = [
        i for i in ids if i in found and (found[i][0] is None or found[i][0].get("key") != key)
    ]
    drawn = _cards_from_models(missing, lang=lang, origin=origin, at=now) if missing else {}
    cards: list[Any] = []
    for service_id, metres in rows:
        if service_id in drawn:
            hit = drawn[service_id]
            hit.distance_km = round(metres / 1000.0, 3) if metres is not None else None
            cards.append(hit)
        elif service_id in found and service_id not in missing:
            card, stored_hours, open_24_7 = found[service_id]
            variant = _shown_variant(card["variants"], origin)
            cards.append(
                StoredCard(
                    CardParts.from_json(variant),
                    round(metres / 1000.0, 3) if metres is not None else None,
                    open_24_7,
                    None if open_24_7 else open_now(False, stored_hours, now),
                )
            )
        # else: outside the area asked for, or deleted between the search and this statement
    return cards


def _cards_from_models(
    ids: list[uuid.UUID], *, lang: str, origin: Any, at: dt.datetime | None = None
) -> dict[uuid.UUID, Any]:
    """The cards of these services drawn from the models, as the page drew every card before
    documents (views.HitView)."""
    from services.public.hits import hit_views
    from services.search.results import ServiceHit, _load_hit_services, nearest_location

    by_id = _load_hit_services(ids, page=True)
    visibility.prune(by_id.values())
    hits = []
    for service_id in ids:
        service = by_id.get(service_id)
        if service is None:
            continue
        location, _km = nearest_location(service, origin)
        hits.append(ServiceHit(service=service, distance_km=None, location=location))
    return {view.service.id: view for view in hit_views(hits, lang, at)}
