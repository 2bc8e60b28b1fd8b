"""The base of the public serializers, and the records that nest in every other one.

`PublicSerializer` gives texts per language, leaves empty values out and applies the row rules
(services/visibility.py) to any row it is given; the leaves below (phones, languages, contacts,
schedules, addresses, terms, attributes...) are what locations, services and organisations nest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rest_framework import serializers

from services import visibility

# Empty optional values are left out: the HSDS schemas refuse null, an empty e-mail or URL.
_EMPTY = (None, "", [])


def localized(instance: Any, field: str, lang: str) -> tuple[str, str]:
    """(text, language) for records with texts per language, including taxonomy terms, which
    keep no original language of their own."""
    if hasattr(instance, "localized"):
        return instance.localized(field, lang)
    for candidate in (lang, "es", "en", "pt", "fr", "ht"):
        value = getattr(instance, f"{field}_{candidate}", None)
        if value:
            return value, candidate
    return instance.__dict__.get(field) or "", lang


class PublicSerializer(serializers.Serializer):
    """Base: per-language texts, empty values left out, confidential phones filtered."""

    translated: ClassVar[tuple[str, ...]] = ()
    hsds_required: ClassVar[tuple[str, ...]] = ("id",)

    @property
    def lang(self) -> str:
        return self.context["lang"]

    def confidential(self) -> visibility.ConfidentialIds:
        return self.context["confidential"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        hidden: tuple[str, ...] = ()
        if "confidential" in self.context:
            hidden = visibility.hidden_fields(instance, self.confidential())
        for name in hidden:
            data.pop(name, None)
        if self.translated:
            used = {}
            for name in self.translated:
                if name in data:
                    text, language = localized(instance, name, self.lang)
                    data[name] = text
                    if text:
                        used[name] = language
            data["text_language"] = used
        return {
            key: value
            for key, value in data.items()
            if value not in _EMPTY or key in self.hsds_required
        }

    # Helpers for nested lists that must respect confidentiality.

    def public_phones(self, phones: Iterable[Any]) -> list[dict[str, Any]]:
        return self.public_rows(phones, PhoneSerializer)

    def public_rows(self, rows: Iterable[Any], serializer: type[serializers.Serializer]) -> list:
        visible = visibility.public_rows(rows, self.confidential())
        return serializer(sorted(visible, key=by_id), many=True, context=self.context).data


def by_id(row: Any) -> str:
    return str(row.pk)


class LanguageSerializer(PublicSerializer):
    translated = ("note",)
    id = serializers.UUIDField()
    service_id = serializers.UUIDField(allow_null=True)
    location_id = serializers.UUIDField(allow_null=True)
    phone_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    code = serializers.CharField()
    note = serializers.CharField()


class PhoneSerializer(PublicSerializer):
    translated = ("description",)
    hsds_required = ("id", "number")
    id = serializers.UUIDField()
    location_id = serializers.UUIDField(allow_null=True)
    service_id = serializers.UUIDField(allow_null=True)
    organization_id = serializers.UUIDField(allow_null=True)
    contact_id = serializers.UUIDField(allow_null=True)
    service_at_location_id = serializers.UUIDField(allow_null=True)
    number = serializers.CharField()
    extension = serializers.IntegerField(allow_null=True)
    type = serializers.CharField()
    description = serializers.CharField()
    whatsapp = serializers.BooleanField()
    is_intake = serializers.BooleanField()
    languages = serializers.SerializerMethodField()

    def get_languages(self, phone: Any) -> list[dict[str, Any]]:
        return self.public_rows(phone.languages.all(), LanguageSerializer)


class ContactSerializer(PublicSerializer):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField(allow_null=True)
    service_id = serializers.UUIDField(allow_null=True)
    service_at_location_id = serializers.UUIDField(allow_null=True)
    location_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    title = serializers.CharField()
    department = serializers.CharField()
    email = serializers.CharField()
    phones = serializers.SerializerMethodField()

    def get_phones(self, contact: Any) -> list[dict[str, Any]]:
        return self.public_phones(contact.phones.all())


class ScheduleSerializer(PublicSerializer):
    translated = ("description", "notes", "attending_type")
    id = serializers.UUIDField()
    service_id = serializers.UUIDField(allow_null=True)
    location_id = serializers.UUIDField(allow_null=True)
    service_at_location_id = serializers.UUIDField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    dtstart = serializers.DateField(allow_null=True)
    timezone = serializers.FloatField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    wkst = serializers.CharField()
    freq = serializers.CharField()
    interval = serializers.IntegerField(allow_null=True)
    byday = serializers.CharField()
    byweekno = serializers.CharField()
    bymonthday = serializers.CharField()
    byyearday = serializers.CharField()
    description = serializers.CharField()
    opens_at = serializers.TimeField(allow_null=True)
    closes_at = serializers.TimeField(allow_null=True)
    schedule_link = serializers.CharField()
    attending_type = serializers.CharField()
    notes = serializers.CharField()


class AccessibilitySerializer(PublicSerializer):
    translated = ("description", "details")
    id = serializers.UUIDField()
    location_id = serializers.UUIDField()
    description = serializers.CharField()
    details = serializers.CharField()
    url = serializers.CharField()


class AddressSerializer(PublicSerializer):
    hsds_required = ("id", "address_1", "city", "state_province", "postal_code", "country")
    id = serializers.UUIDField()
    location_id = serializers.UUIDField()
    attention = serializers.CharField()
    address_1 = serializers.CharField()
    address_2 = serializers.CharField()
    city = serializers.CharField()
    region = serializers.CharField()
    state_province = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()
    address_type = serializers.CharField()


class TaxonomySerializer(PublicSerializer):
    hsds_required = ("id", "name", "description")
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    uri = serializers.CharField()
    version = serializers.CharField()


class TaxonomyTermSerializer(PublicSerializer):
    translated = ("name", "description")
    hsds_required = ("id", "name", "description")
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    parent_id = serializers.UUIDField(allow_null=True)
    taxonomy = serializers.SerializerMethodField()
    taxonomy_detail = serializers.SerializerMethodField()
    language = serializers.CharField()
    taxonomy_id = serializers.UUIDField(allow_null=True)
    term_uri = serializers.CharField()
    open_eligibility_code = serializers.CharField()

    def get_taxonomy(self, term: Any) -> str | None:
        return term.taxonomy.name if term.taxonomy_id else None

    def get_taxonomy_detail(self, term: Any) -> dict[str, Any] | None:
        if not term.taxonomy_id:
            return None
        return TaxonomySerializer(term.taxonomy, context=self.context).data


class AttributeSerializer(PublicSerializer):
    id = serializers.UUIDField()
    link_id = serializers.UUIDField()
    taxonomy_term_id = serializers.UUIDField()
    link_type = serializers.CharField()
    link_entity = serializers.CharField()
    value = serializers.CharField()
    taxonomy_term = serializers.SerializerMethodField()

    def get_taxonomy_term(self, attribute: Any) -> dict[str, Any]:
        return TaxonomyTermSerializer(attribute.taxonomy_term, context=self.context).data
