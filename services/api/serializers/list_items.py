"""The list items of /services without DRF's per-object machinery.

A ServiceSerializer(many=True) deep-copies its fields and those of a fresh Organization and
Program serializer for every service: most of an API search's Python. The functions below
give the same dicts (same keys, order, values and omissions; tests/api_tests prove it on the
demo directory in every language) from the serializers' own declared fields, each converted
by the declared field's to_representation. The classes stay the definition and the OpenAPI
schema; a field added to them is picked up here, and a new method field must be given below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

from services import hours
from services.api.serializers.base import (
    _EMPTY,
    PublicSerializer,
    localized,
)
from services.api.serializers.records import (
    OrganizationSerializer,
    ProgramSerializer,
    ServiceSerializer,
)
from services.querysets import capacity_is_current

# A ServiceSerializer(many=True) deep-copies its fields and those of a fresh Organization and
# Program serializer for every service: most of an API search's Python. The functions below
# give the same dicts (same keys, order, values and omissions; tests/api_tests prove it on the
# demo directory in every language) from the serializers' own declared fields, each converted
# by the declared field's to_representation. The classes stay the definition and the OpenAPI
# schema; a field added to them is picked up here, and a new method field must be given below.


def _plan(serializer: type[PublicSerializer]) -> list[tuple[str, serializers.Field | None]]:
    """(name, field) in declared order; None for a method field."""
    plan = []
    for name, field in serializer._declared_fields.items():
        if isinstance(field, serializers.SerializerMethodField):
            plan.append((name, None))
            continue
        if field.source not in (None, name):
            raise TypeError(f"{serializer.__name__}.{name}: a source is not supported here")
        plan.append((name, field))
    return plan


def _plain(
    serializer: type[PublicSerializer],
    plan: list[tuple[str, serializers.Field | None]],
    instance: Any,
    lang: str,
    methods: dict[str, Any],
) -> dict[str, Any]:
    """What `serializer(instance, context={"lang": lang}).data` gives (PublicSerializer's
    to_representation), with `methods[name](instance)` for its method fields."""
    data: dict[str, Any] = {}
    for name, field in plan:
        if field is None:
            data[name] = methods[name](instance)
            continue
        value = getattr(instance, name)
        data[name] = None if value is None else field.to_representation(value)
    if serializer.translated:
        used = {}
        for name in serializer.translated:
            text, language = localized(instance, name, lang)
            data[name] = text
            if text:
                used[name] = language
        data["text_language"] = used
    required = serializer.hsds_required
    return {key: value for key, value in data.items() if value not in _EMPTY or key in required}


_SERVICE_PLAN = _plan(ServiceSerializer)
_ORGANIZATION_PLAN = _plan(OrganizationSerializer)
_PROGRAM_PLAN = _plan(ProgramSerializer)


def service_list_items(
    services: Iterable[Any], *, lang: str, distances: dict[Any, float | None]
) -> list[dict[str, Any]]:
    """ServiceSerializer(services, many=True, context=...).data, as plain dicts. Needs each
    service's organisation and programme loaded, and what hours.is_open_now reads."""
    methods = {
        "organization": lambda s: _plain(
            OrganizationSerializer, _ORGANIZATION_PLAN, s.organization, lang, {}
        ),
        "program": lambda s: (
            _plain(ProgramSerializer, _PROGRAM_PLAN, s.program, lang, {}) if s.program_id else None
        ),
        "capacity_available": lambda s: s.capacity_available if capacity_is_current(s) else None,
        "open_now": hours.is_open_now,
        "distance_km": lambda s: distances.get(s.id),
    }
    return [
        _plain(ServiceSerializer, _SERVICE_PLAN, service, lang, methods) for service in services
    ]
