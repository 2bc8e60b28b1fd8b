"""What the public may see of the directory's rows: the row rules and the ids they select.

Some public fields are confidential-location data in some rows only: a phone, contact,
schedule, accessibility or language note at a confidential location, directly or through a
service's link to it (a service_at_location), a phone only when it is not the intake line; the
link's own description; the free-text value of an attribute (tag) on any of these. ROW_RULES
says which; `ConfidentialIds` finds the rows they select; `public_rows()` and `hidden_fields()`
are how public code applies them. Search (services/search/results.py) and the API's detail path
call them, so what a view or serializer is given is already public. The HSDS export says the
same rules in SQL (services/hsds/public_filters.py), and tests/privacy_tests/test_row_rules_agree.py
compares the two row by row.

Every rule fails closed: a row pointing at a location or link the ids never judged is hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


def walk_loaded(objects: Iterable[Any]) -> Iterator[Any]:
    """Every model instance of `objects` and everything loaded with them (prefetched and
    selected relations), once each."""
    seen: set[int] = set()
    stack = list(objects)
    while stack:
        obj = stack.pop()
        if obj is None or id(obj) in seen or not hasattr(obj, "_state"):
            continue
        seen.add(id(obj))
        yield obj
        for cached in obj.__dict__.get("_prefetched_objects_cache", {}).values():
            stack.extend(cached)
        stack.extend(obj._state.fields_cache.values())


def _ref(row: Any, name: str) -> Any:
    return getattr(row, name, None)


class ConfidentialIds:
    """Which rows are at a confidential location, directly or through a service_at_location
    (HSDS hangs phones, contacts and schedules off either), and so which rows ROW_RULES select.

    `ConfidentialIds()` reads the whole database (the privacy tests).
    `ConfidentialIds.among(objects)` reads only what one public response has loaded, plus the
    few rows those point at by id; its sets answer for those rows only, which is all the
    response asks of them.

    services/hsds/public_filters.py says the same in SQL for the HSDS export.
    """

    locations: set[Any]  # the confidential locations
    service_at_locations: set[Any]  # services' links to them
    contacts: set[Any]  # contacts at them (hidden whole, with their phones)
    phones: set[Any]  # phones the public does not see (all but the intake lines there)
    records: set[Any]  # records whose attributes and metadata the public does not see
    # The ids `among()` judged (locations, links, contacts, phones), None for the whole
    # database: a row pointing at one it did not judge was loaded after it, and is hidden.
    scope: set[Any] | None = None

    def __init__(self) -> None:
        from services import models as m

        self.locations = set(
            m.Location.objects.filter(is_confidential=True).values_list("pk", flat=True)
        )
        links = m.ServiceAtLocation.objects.only("id", "location_id")
        self._settle(
            links={link.pk: link.location_id for link in links},
            rows=[
                *m.Contact.objects.only("id", "location_id", "service_at_location_id"),
                *m.Phone.objects.only(
                    "id", "location_id", "service_at_location_id", "contact_id", "is_intake"
                ),
                *m.Schedule.objects.only("id", "location_id", "service_at_location_id"),
                *m.Language.objects.only("id", "location_id", "phone_id"),
                *m.Accessibility.objects.only("id", "location_id"),
                *m.Address.objects.only("id", "location_id"),
            ],
        )

    @classmethod
    def among(cls, objects: Iterable[Any]) -> ConfidentialIds:
        """For the rows of one response: `objects` and everything loaded with them. Rows they
        point at but did not load (a language's phone, a phone's contact, a row's link or
        location) are read by primary key, a query per kind at most."""
        from services import models as m

        ids = cls.__new__(cls)
        loaded: dict[type, dict[Any, Any]] = {}
        for obj in walk_loaded(objects):
            loaded.setdefault(type(obj), {})[obj.pk] = obj
        phones = loaded.get(m.Phone, {})
        contacts = loaded.get(m.Contact, {})
        missing = {_ref(r, "phone_id") for r in loaded.get(m.Language, {}).values()}
        missing -= {None, *phones}
        if missing:
            fields = ("id", "location_id", "service_at_location_id", "contact_id", "is_intake")
            phones = {**phones, **m.Phone.objects.only(*fields).in_bulk(list(missing))}
        missing = {_ref(phone, "contact_id") for phone in phones.values()} - {None, *contacts}
        if missing:
            fields = ("id", "location_id", "service_at_location_id")
            contacts = {**contacts, **m.Contact.objects.only(*fields).in_bulk(list(missing))}
        rows = [
            row
            for model, by_pk in loaded.items()
            if model not in (m.Phone, m.Contact)
            for row in by_pk.values()
        ]
        rows += [*phones.values(), *contacts.values()]
        links = {pk: link.location_id for pk, link in loaded.get(m.ServiceAtLocation, {}).items()}
        missing = {_ref(row, "service_at_location_id") for row in rows} - {None, *links}
        if missing:
            links |= dict(
                m.ServiceAtLocation.objects.filter(pk__in=missing).values_list("pk", "location_id")
            )
        known = {
            pk: location.is_confidential
            for pk, location in loaded.get(m.Location, {}).items()
            if "is_confidential" in location.__dict__
        }
        wanted = {_ref(row, "location_id") for row in rows} | set(links.values())
        wanted -= {None, *known}
        ids.locations = {pk for pk, confidential in known.items() if confidential}
        if wanted:
            ids.locations |= set(
                m.Location.objects.filter(pk__in=wanted, is_confidential=True).values_list(
                    "pk", flat=True
                )
            )
        ids.scope = {*known, *wanted, *links, *phones, *contacts}
        ids._settle(links=links, rows=rows)
        return ids

    def _settle(self, *, links: dict[Any, Any], rows: list[Any]) -> None:
        """The other sets, from `self.locations`, the links' locations and the rows' own
        references, by the rules below (contacts before phones before languages)."""
        from services import models as m

        self.service_at_locations = {
            pk for pk, location in links.items() if location in self.locations
        }
        by_model: dict[type, list[Any]] = {}
        for row in rows:
            by_model.setdefault(type(row), []).append(row)
        self.contacts = {
            row.pk for row in by_model.get(m.Contact, []) if at_confidential(row, self)
        }
        self.phones = {row.pk for row in by_model.get(m.Phone, []) if _phone_hidden(row, self)}
        self.records = self.locations | self.service_at_locations | self.contacts | self.phones
        for model in (m.Schedule, m.Language, m.Accessibility, m.Address):
            rule = ROW_RULES.get(model._meta.label)
            hidden = rule.hidden if rule is not None else at_confidential
            self.records |= {row.pk for row in by_model.get(model, []) if hidden(row, self)}


def _among(pk: Any, hidden: set[Any], ids: ConfidentialIds) -> bool:
    """`pk` (a row's reference) is in `hidden`, or is one `ids` never judged (fail closed)."""
    if pk is None:
        return False
    return pk in hidden or (ids.scope is not None and pk not in ids.scope)


def at_confidential(row: Any, ids: ConfidentialIds) -> bool:
    """At a confidential location, directly or through the service_at_location it hangs off."""
    return _among(_ref(row, "location_id"), ids.locations, ids) or _among(
        _ref(row, "service_at_location_id"), ids.service_at_locations, ids
    )


def _phone_hidden(row: Any, ids: ConfidentialIds) -> bool:
    """Every phone there but the intake line, and every phone of a contact there."""
    return (at_confidential(row, ids) and not row.is_intake) or _among(
        row.contact_id, ids.contacts, ids
    )


@dataclass(frozen=True)
class RowRule:
    """Fields classed public (tests/privacy_tests/sensitivity.py) that are confidential-location
    data in some rows: those that `hidden(row, ids)` selects. Only a public field is raised so.

    `whole_row`: the public paths leave such a row out altogether (a phone, a contact…); when
    False they show the row without `fields` (a service's link to a confidential location is
    public, its description is not)."""

    fields: tuple[str, ...]
    hidden: Callable[[Any, ConfidentialIds], bool]
    whole_row: bool = True


# Rows that the public paths hide (search results, the pages' and the API's detail paths through
# prune(), the API's serializers, the HSDS export in SQL): their texts would locate or reach
# the shelter.
ROW_RULES: dict[str, RowRule] = {
    # Every phone of a confidential location (or of a service there) but its intake line (the
    # one number the public gets), and the phones of a contact who works there.
    "services.Phone": RowRule(("number", "extension", "description"), _phone_hidden),
    "services.Contact": RowRule(("name", "title", "department", "email"), at_confidential),
    "services.Schedule": RowRule(
        ("description", "notes", "attending_type", "schedule_link"), at_confidential
    ),
    "services.Accessibility": RowRule(("description", "details", "url"), at_confidential),
    "services.Language": RowRule(
        ("note",),
        lambda row, ids: at_confidential(row, ids) or _among(row.phone_id, ids.phones, ids),
    ),
    # "How to find us here": as locating as the location's own description.
    "services.ServiceAtLocation": RowRule(("description",), at_confidential, whole_row=False),
    # A tag on a hidden record (or on a confidential location or its links) says something
    # about it, in a free-text value too.
    "services.Attribute": RowRule(("value",), lambda row, ids: row.link_id in ids.records),
}


def metadata_hidden(row: Any, ids: ConfidentialIds) -> bool:
    """Field history of a record in `ids.records`: its old and new values are that record's."""
    return row.resource_id in ids.records


def public_rows(rows: Iterable[Any], ids: ConfidentialIds) -> list[Any]:
    """`rows` without those a whole-row rule hides: what a public path may show of them."""
    visible = []
    for row in rows:
        rule = ROW_RULES.get(type(row)._meta.label)
        if rule is None or not rule.whole_row or not rule.hidden(row, ids):
            visible.append(row)
    return visible


def hidden_fields(row: Any, ids: ConfidentialIds) -> tuple[str, ...]:
    """The fields of `row` (stems: per-language columns follow) the public may not see."""
    rule = ROW_RULES.get(type(row)._meta.label)
    if rule is not None and rule.hidden(row, ids):
        return rule.fields
    return ()


def prune(objects: Iterable[Any]) -> ConfidentialIds:
    """Leave in `objects`, and in everything loaded with them, only what the public may see.

    Rows a whole-row rule hides are taken out of every prefetched list they were loaded into;
    fields a partial rule hides (a link's description) are emptied, in every language. What
    a caller renders afterwards is public as it stands. Returns the ids it judged by, for
    callers that load more rows later (attributes, history) and must judge those too.
    """
    objects = list(objects)
    ids = ConfidentialIds.among(objects)
    for obj in list(walk_loaded(objects)):
        for cached in obj.__dict__.get("_prefetched_objects_cache", {}).values():
            if isinstance(cached, list):
                # Lists that the result loader attaches in place of querysets.
                cached[:] = public_rows(cached, ids)
                continue
            rows = getattr(cached, "_result_cache", None)
            if rows is not None:
                cached._result_cache = public_rows(rows, ids)
        stems = hidden_fields(obj, ids)
        if stems:
            _empty(obj, stems)
    return ids


def _empty(row: Any, stems: tuple[str, ...]) -> None:
    """Empty the fields `stems` of `row` in memory, with modeltranslation's per-language columns."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = translator.get_options_for_model(type(row)).all_fields
    except NotRegistered:
        translated = {}
    for stem in stems:
        names = {stem, *(column.name for column in translated.get(stem, ()))}
        for field in row._meta.concrete_fields:
            if field.name in names:
                row.__dict__[field.attname] = None
