"""Public HSDS 3.0 serializers: what anyone may read through /api/v1/.

Every field is listed by name. Texts come in the language the request chose (`lang`), falling back
per field to the record's original language; `text_language` says which language each text is in.
Locations are shown only through services.confidential.public_location(): a confidential
location's exact point and addresses are never read here. Rows at a confidential location,
directly or through a service_at_location (phones but the intake line, contacts, schedules,
languages, the link's own description, attributes of hidden records), are left out or blanked
by services/visibility.py's ROW_RULES, read through `context["confidential"]`
(visibility.ConfidentialIds.among the response's rows), wherever they are nested.

These classes are for the public only; anything staff may see beyond this belongs in separate
classes, so that a public serializer cannot grow a private field by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rest_framework import serializers

from services import hours, visibility
from services.confidential import public_location

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
        return serializer(sorted(visible, key=_by_id), many=True, context=self.context).data


def _by_id(row: Any) -> str:
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


class LocationSerializer(PublicSerializer):
    """A location as services.confidential.public_location() lets the public see it."""

    translated = ("name", "description", "transportation")
    hsds_required = ("id", "location_type")
    # Of a confidential location the public sees these and nothing else.
    CONFIDENTIAL_FIELDS = frozenset(
        {
            "id",
            "location_type",
            "organization_id",
            "name",
            "latitude",
            "longitude",
            "is_confidential",
            "region_code",
            "region_name",
            "time_zone",
            "phones",
            "text_language",
        }
    )

    id = serializers.UUIDField()
    location_type = serializers.CharField()
    url = serializers.CharField()
    organization_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    alternate_name = serializers.CharField()
    description = serializers.CharField()
    transportation = serializers.CharField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    external_identifier = serializers.CharField()
    external_identifier_type = serializers.CharField()
    languages = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    accessibility = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()
    schedules = serializers.SerializerMethodField()
    is_confidential = serializers.BooleanField()
    region_code = serializers.SerializerMethodField()
    region_name = serializers.SerializerMethodField()
    time_zone = serializers.CharField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        self._public = public_location(instance, lang=self.lang)
        data = super().to_representation(instance)
        if self._public.is_confidential:
            data = {k: v for k, v in data.items() if k in self.CONFIDENTIAL_FIELDS}
            data["text_language"] = {
                k: v for k, v in data.get("text_language", {}).items() if k in data
            }
        return data

    def get_latitude(self, location: Any) -> float | None:
        return self._public.latitude

    def get_longitude(self, location: Any) -> float | None:
        return self._public.longitude

    def get_region_code(self, location: Any) -> str | None:
        return self._public.region.code if self._public.region is not None else None

    def get_region_name(self, location: Any) -> str | None:
        region = self._public.region
        return localized(region, "name", self.lang)[0] if region is not None else None

    def get_phones(self, location: Any) -> list[dict[str, Any]]:
        return self.public_phones(self._public.phones)

    def get_addresses(self, location: Any) -> list[dict[str, Any]]:
        if self._public.address is None:
            return []  # confidential, or no address: the rows are not read
        return AddressSerializer(
            sorted(location.addresses.all(), key=_by_id), many=True, context=self.context
        ).data

    def _unless_confidential(self, rows: Any, serializer: type[serializers.Serializer]) -> list:
        if self._public.is_confidential:
            return []
        return self.public_rows(rows.all(), serializer)

    def get_languages(self, location: Any) -> list[dict[str, Any]]:
        return self._unless_confidential(location.languages, LanguageSerializer)

    def get_contacts(self, location: Any) -> list[dict[str, Any]]:
        return self._unless_confidential(location.contacts, ContactSerializer)

    def get_accessibility(self, location: Any) -> list[dict[str, Any]]:
        return self._unless_confidential(location.accessibility, AccessibilitySerializer)

    def get_schedules(self, location: Any) -> list[dict[str, Any]]:
        return self._unless_confidential(location.schedules, ScheduleSerializer)


class LocationBriefSerializer(LocationSerializer):
    """A location's own fields only (inside list items)."""

    languages = None
    addresses = None
    contacts = None
    accessibility = None
    phones = None
    schedules = None


class ProgramSerializer(PublicSerializer):
    translated = ("name", "description")
    hsds_required = ("id", "name", "description")
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    name = serializers.CharField()
    alternate_name = serializers.CharField()
    description = serializers.CharField()


class OrganizationSerializer(PublicSerializer):
    """An organisation's own fields (the HSDS list form)."""

    translated = ("description",)
    hsds_required = ("id", "name", "description")
    id = serializers.UUIDField()
    name = serializers.CharField()
    alternate_name = serializers.CharField()
    description = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    tax_status = serializers.CharField()
    tax_id = serializers.CharField()
    year_incorporated = serializers.IntegerField(allow_null=True)
    legal_status = serializers.CharField()
    logo = serializers.CharField()
    uri = serializers.CharField()
    parent_organization_id = serializers.UUIDField(allow_null=True)


class FundingSerializer(PublicSerializer):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField(allow_null=True)
    service_id = serializers.UUIDField(allow_null=True)
    source = serializers.CharField()


class OrganizationIdentifierSerializer(PublicSerializer):
    hsds_required = ("id", "identifier_type", "identifier")
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    identifier_scheme = serializers.CharField()
    identifier_type = serializers.CharField()
    identifier = serializers.CharField()


class ServiceAreaSerializer(PublicSerializer):
    translated = ("name", "description")
    id = serializers.UUIDField()
    service_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    description = serializers.CharField()
    extent = serializers.CharField()
    extent_type = serializers.CharField()
    uri = serializers.CharField()
    region_code = serializers.SerializerMethodField()

    def get_region_code(self, area: Any) -> str | None:
        return area.region.code if area.region_id else None


class CostOptionSerializer(PublicSerializer):
    translated = ("option", "amount_description")
    id = serializers.UUIDField()
    service_id = serializers.UUIDField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    option = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.FloatField(allow_null=True)
    amount_description = serializers.CharField()


class RequiredDocumentSerializer(PublicSerializer):
    translated = ("document",)
    id = serializers.UUIDField()
    service_id = serializers.UUIDField()
    document = serializers.CharField()
    uri = serializers.CharField()


class ServiceSerializer(PublicSerializer):
    """A service's own fields with its organisation and programme (the HSDS list form), plus
    our extensions."""

    translated = (
        "name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
        "alert",
        "wait_time",
    )
    hsds_required = ("id", "name", "status")
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    program_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    alternate_name = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()
    email = serializers.CharField()
    status = serializers.CharField()
    interpretation_services = serializers.CharField()
    application_process = serializers.CharField()
    fees_description = serializers.CharField()
    wait_time = serializers.CharField()
    fees = serializers.CharField()
    accreditations = serializers.CharField()
    eligibility_description = serializers.CharField()
    minimum_age = serializers.IntegerField(allow_null=True)
    maximum_age = serializers.IntegerField(allow_null=True)
    assured_date = serializers.DateField(allow_null=True)
    assurer_email = serializers.CharField()
    licenses = serializers.CharField()
    alert = serializers.CharField()
    last_modified = serializers.DateTimeField()
    organization = serializers.SerializerMethodField()
    program = serializers.SerializerMethodField()
    populations = serializers.ListField(child=serializers.CharField())
    immigration_status_not_asked = serializers.BooleanField()
    no_id_required = serializers.BooleanField()
    is_free = serializers.BooleanField()
    open_24_7 = serializers.BooleanField()
    trafficking_specialised = serializers.BooleanField()
    # Null ("unknown") once the figure is older than 72 hours, as on the public page.
    capacity_available = serializers.SerializerMethodField()
    capacity_total = serializers.IntegerField(allow_null=True)
    capacity_unit = serializers.CharField()
    capacity_updated_at = serializers.DateTimeField(allow_null=True)
    last_verified_at = serializers.DateTimeField(allow_null=True)
    open_now = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    def get_organization(self, service: Any) -> dict[str, Any]:
        return OrganizationSerializer(service.organization, context=self.context).data

    def get_program(self, service: Any) -> dict[str, Any] | None:
        if not service.program_id:
            return None
        return ProgramSerializer(service.program, context=self.context).data

    def get_capacity_available(self, service: Any) -> int | None:
        from services.listings.upkeep import capacity_is_current

        return service.capacity_available if capacity_is_current(service) else None

    def get_open_now(self, service: Any) -> bool | None:
        return hours.is_open_now(service)

    def get_distance_km(self, service: Any) -> float | None:
        return self.context.get("distances", {}).get(service.id)


class ServiceAtLocationSerializer(PublicSerializer):
    """A service at a location: its own fields, the location (public form) and the service."""

    translated = ("description",)
    id = serializers.UUIDField()
    service_id = serializers.UUIDField()
    location_id = serializers.UUIDField()
    description = serializers.CharField()
    location = serializers.SerializerMethodField()
    service = serializers.SerializerMethodField()

    location_serializer: ClassVar[type[LocationSerializer]] = LocationBriefSerializer

    def get_location(self, sal: Any) -> dict[str, Any]:
        return self.location_serializer(sal.location, context=self.context).data

    def get_service(self, sal: Any) -> dict[str, Any]:
        return ServiceSerializer(sal.service, context=self.context).data


class ServiceAtLocationDetailSerializer(ServiceAtLocationSerializer):
    location_serializer = LocationSerializer

    contacts = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()
    schedules = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    def get_contacts(self, sal: Any) -> list[dict[str, Any]]:
        return self.public_rows(sal.contacts.all(), ContactSerializer)

    def get_phones(self, sal: Any) -> list[dict[str, Any]]:
        return self.public_phones(sal.phones.all())

    def get_schedules(self, sal: Any) -> list[dict[str, Any]]:
        return self.public_rows(sal.schedules.all(), ScheduleSerializer)

    def get_attributes(self, sal: Any) -> list[dict[str, Any]]:
        return _attributes(self, sal)


class ServiceNestedLocationSerializer(ServiceAtLocationDetailSerializer):
    """A service's own service_at_locations: the service itself is the parent."""

    service = None


def _attributes(serializer: PublicSerializer, record: Any) -> list[dict[str, Any]]:
    # Attributes of a record with hidden parts (a service's link to a confidential location)
    # are left out with them: their free-text values describe it.
    rows = serializer.context.get("attributes", {}).get(record.pk, [])
    return serializer.public_rows(rows, AttributeSerializer)


class ServiceDetailSerializer(ServiceSerializer):
    """The fully nested service (GET /services/{id}, or `full=true`)."""

    phones = serializers.SerializerMethodField()
    schedules = serializers.SerializerMethodField()
    service_areas = serializers.SerializerMethodField()
    service_at_locations = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    funding = serializers.SerializerMethodField()
    cost_options = serializers.SerializerMethodField()
    required_documents = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()
    metadata = serializers.SerializerMethodField()

    def get_metadata(self, service: Any) -> list[dict[str, Any]]:
        """HSDS provenance from the listing's history (services/api/metadata.py), loaded by
        the view for every service of the response in one query."""
        return self.context.get("metadata", {}).get(service.id, [])

    def get_phones(self, service: Any) -> list[dict[str, Any]]:
        return self.public_phones(service.phones.all())

    def get_schedules(self, service: Any) -> list[dict[str, Any]]:
        return self.public_rows(service.schedules.all(), ScheduleSerializer)

    def get_service_areas(self, service: Any) -> list[dict[str, Any]]:
        return ServiceAreaSerializer(
            sorted(service.service_areas.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_service_at_locations(self, service: Any) -> list[dict[str, Any]]:
        return ServiceNestedLocationSerializer(
            sorted(service.service_at_locations.all(), key=_by_id),
            many=True,
            context=self.context,
        ).data

    def get_languages(self, service: Any) -> list[dict[str, Any]]:
        return self.public_rows(service.languages.all(), LanguageSerializer)

    def get_funding(self, service: Any) -> list[dict[str, Any]]:
        return FundingSerializer(
            sorted(service.funding.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_cost_options(self, service: Any) -> list[dict[str, Any]]:
        return CostOptionSerializer(
            sorted(service.cost_options.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_required_documents(self, service: Any) -> list[dict[str, Any]]:
        return RequiredDocumentSerializer(
            sorted(service.required_documents.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_contacts(self, service: Any) -> list[dict[str, Any]]:
        return self.public_rows(service.contacts.all(), ContactSerializer)

    def get_attributes(self, service: Any) -> list[dict[str, Any]]:
        return _attributes(self, service)


class OrganizationDetailSerializer(OrganizationSerializer):
    """The fully nested organisation (GET /organizations/{id})."""

    funding = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()
    programs = serializers.SerializerMethodField()
    organization_identifiers = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()

    def get_funding(self, organization: Any) -> list[dict[str, Any]]:
        return FundingSerializer(
            sorted(organization.funding.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_contacts(self, organization: Any) -> list[dict[str, Any]]:
        return self.public_rows(organization.contacts.all(), ContactSerializer)

    def get_phones(self, organization: Any) -> list[dict[str, Any]]:
        return self.public_phones(organization.phones.all())

    def get_locations(self, organization: Any) -> list[dict[str, Any]]:
        return LocationSerializer(
            sorted(organization.locations.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_programs(self, organization: Any) -> list[dict[str, Any]]:
        return ProgramSerializer(
            sorted(organization.programs.all(), key=_by_id), many=True, context=self.context
        ).data

    def get_organization_identifiers(self, organization: Any) -> list[dict[str, Any]]:
        return OrganizationIdentifierSerializer(
            sorted(organization.organization_identifiers.all(), key=_by_id),
            many=True,
            context=self.context,
        ).data

    def get_attributes(self, organization: Any) -> list[dict[str, Any]]:
        return _attributes(self, organization)

    def get_services(self, organization: Any) -> list[dict[str, Any]]:
        services = self.context.get("organization_services", {}).get(organization.pk, [])
        serializer = (
            ServiceDetailSerializer if self.context.get("full_service") else ServiceSerializer
        )
        return serializer(sorted(services, key=_by_id), many=True, context=self.context).data


# --- The list items of /services without DRF's per-object machinery ---------------------------
#
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
    from services.listings.upkeep import capacity_is_current

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
