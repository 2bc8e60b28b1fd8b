"""HSDS `metadata` for services, read from their history (django-simple-history).

One entry per changed public field per historical version: when, what kind of action, the value
before and after, and `updated_by` naming the *source* of the change (staff edit, suggestion,
verification, import, restore), never a person: staff names are not for the public API.
Only fields the public service serializer shows are reported, so a history row cannot leak a
non-public column. Free-text fields (names, descriptions, notes, e-mail addresses: every text
field without a fixed list of choices) are reported as changed without their old or new text:
an address pasted by mistake and removed must not stay public in the history. Codes, numbers,
dates and yes/no values keep both values.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import CharField, F, TextField, Window
from django.db.models.functions import RowNumber

from services.models import Service

# The newest versions per service that the API describes; older ones stay in the admin.
MAX_VERSIONS = 20
_NAMESPACE = uuid.UUID("5b0f3c8e-8f3d-4a53-9b64-6d1f4f1a2e71")
_ACTIONS = {"+": "create", "~": "update", "-": "delete"}


def public_fields() -> list[str]:
    from modeltranslation.translator import translator

    from services.api.serializers import ServiceSerializer

    declared = set(ServiceSerializer._declared_fields) - {"last_modified", "id"}
    names = []
    translated = set(translator.get_options_for_model(Service).fields)
    for field in Service._meta.concrete_fields:
        base = field.name
        for name in translated:
            if base.startswith(f"{name}_"):
                base = name
        if base in declared and not field.is_relation:
            names.append(field.attname)
    return names


def free_text_fields() -> set[str]:
    """The public fields whose history shows that they changed, never what they said."""
    names = set()
    for name in public_fields():
        field = Service._meta.get_field(name)
        if isinstance(field, CharField | TextField) and not field.choices:
            names.add(name)
    return names


def _source(reason: str | None) -> str:
    """The kind of source, without ids: "suggestion 12 (public)" → "suggestion (public)"."""
    if not reason:
        return "Enlace"
    words = [w for w in reason.split() if not w.isdigit()]
    return " ".join(words)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def history_metadata(service_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Metadata entries per service, newest first, in one query."""
    if not service_ids:
        return {}
    fields = public_fields()
    hidden = free_text_fields()
    history = Service.history.model
    rows = (
        history.objects.filter(id__in=service_ids)
        .annotate(n=Window(RowNumber(), partition_by=[F("id")], order_by=F("history_id").desc()))
        .filter(n__lte=MAX_VERSIONS + 1)
        .values(
            "id", "history_id", "history_date", "history_type", "history_change_reason", *fields
        )
        .order_by("id", "history_id")
    )
    by_service: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_service[row["id"]].append(row)
    result: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for service_id, versions in by_service.items():
        entries = []
        # The oldest row fetched is only a baseline when older versions were cut off.
        start = 1 if len(versions) > MAX_VERSIONS else 0
        for i in range(start, len(versions)):
            version = versions[i]
            before = versions[i - 1] if i else None
            action = _ACTIONS.get(version["history_type"], "update")
            for name in fields:
                old = before[name] if before else None
                new = version[name]
                if before is not None and old == new:
                    continue
                if before is None and new in (None, "", []):
                    continue
                entries.append(
                    {
                        "id": str(uuid.uuid5(_NAMESPACE, f"{version['history_id']}:{name}")),
                        "resource_id": str(service_id),
                        "resource_type": "service",
                        "last_action_date": version["history_date"].date().isoformat(),
                        "last_action_type": action,
                        "field_name": name,
                        "previous_value": "" if name in hidden else _text(old),
                        "replacement_value": "" if name in hidden else _text(new),
                        "updated_by": _source(version["history_change_reason"]),
                    }
                )
        entries.reverse()
        result[service_id] = entries
    return result
