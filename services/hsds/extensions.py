"""Our extension fields, as JSON Schema fragments per HSDS object (see EXTENSIONS.md).

Validation adds exactly these to the official schemas compiled with
`--set-additional-properties-false-everywhere`, so any other field we emit fails the tests.
"""

from __future__ import annotations

from typing import Any

from services.models import ContentLanguage, Population

LANGUAGES = [code for code, _label in ContentLanguage.choices]

_TEXT_LANGUAGE = {
    "type": "object",
    "description": "For each text field of this object, the language it is written in.",
    "additionalProperties": {"type": "string", "enum": LANGUAGES},
}
_CONTENT_LANGUAGE = {"type": "string", "enum": LANGUAGES}
_TRANSLATIONS = {
    "type": "object",
    "description": "Texts in the other languages: {language: {field: text}}.",
    "propertyNames": {"enum": LANGUAGES},
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
}
_BOOL = {"type": "boolean"}
_COUNT = {"type": "integer", "minimum": 0}
_MOMENT = {"type": "string", "format": "date-time"}
_TEXT = {"type": "string"}

# Fields every object that has texts per language may carry.
_TEXTS = {
    "text_language": _TEXT_LANGUAGE,
    "content_language": _CONTENT_LANGUAGE,
    "translations": _TRANSLATIONS,
}

EXTENSIONS: dict[str, dict[str, Any]] = {
    "organization": {**_TEXTS},
    "program": {**_TEXTS},
    "service": {
        **_TEXTS,
        "populations": {
            "type": "array",
            "items": {"type": "string", "enum": [code for code, _l in Population.choices]},
        },
        "immigration_status_not_asked": _BOOL,
        "no_id_required": _BOOL,
        "is_free": _BOOL,
        "open_24_7": _BOOL,
        "trafficking_specialised": _BOOL,
        "takes_children": {"type": ["boolean", "null"]},
        "children_max_age": {"type": ["integer", "null"], "minimum": 0, "maximum": 17},
        "capacity_available": _COUNT,
        "capacity_total": _COUNT,
        "capacity_unit": _TEXT,
        "capacity_updated_at": _MOMENT,
        "last_verified_at": _MOMENT,
        "open_now": _BOOL,
        "distance_km": {"type": "number", "minimum": 0},
    },
    "location": {
        **_TEXTS,
        "is_confidential": _BOOL,
        "region_code": _TEXT,
        "region_name": _TEXT,
        "time_zone": _TEXT,
    },
    "service_at_location": {**_TEXTS},
    "phone": {**_TEXTS, "whatsapp": _BOOL, "is_intake": _BOOL},
    "schedule": {**_TEXTS},
    "language": {**_TEXTS},
    "accessibility": {**_TEXTS},
    "service_area": {
        **_TEXTS,
        "region_code": _TEXT,
        "area": {"type": "object", "description": "GeoJSON Polygon or MultiPolygon"},
    },
    "cost_option": {**_TEXTS},
    "required_document": {**_TEXTS},
    "taxonomy_term": {
        "text_language": _TEXT_LANGUAGE,
        "translations": _TRANSLATIONS,
        "open_eligibility_code": _TEXT,
    },
}
