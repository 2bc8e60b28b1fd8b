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

from typing import Any, ClassVar

from rest_framework import serializers

from services import hours
from services.api.serializers.base import (
    AccessibilitySerializer,
    AddressSerializer,
    AttributeSerializer,
    ContactSerializer,
    LanguageSerializer,
    PublicSerializer,
    ScheduleSerializer,
    by_id,
    localized,
)
from services.confidential import public_location
from services.querysets import capacity_is_current


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
            sorted(location.addresses.all(), key=by_id), many=True, context=self.context
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
    takes_children = serializers.BooleanField(allow_null=True)
    children_max_age = serializers.IntegerField(allow_null=True)
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
            sorted(service.service_areas.all(), key=by_id), many=True, context=self.context
        ).data

    def get_service_at_locations(self, service: Any) -> list[dict[str, Any]]:
        return ServiceNestedLocationSerializer(
            sorted(service.service_at_locations.all(), key=by_id),
            many=True,
            context=self.context,
        ).data

    def get_languages(self, service: Any) -> list[dict[str, Any]]:
        return self.public_rows(service.languages.all(), LanguageSerializer)

    def get_funding(self, service: Any) -> list[dict[str, Any]]:
        return FundingSerializer(
            sorted(service.funding.all(), key=by_id), many=True, context=self.context
        ).data

    def get_cost_options(self, service: Any) -> list[dict[str, Any]]:
        return CostOptionSerializer(
            sorted(service.cost_options.all(), key=by_id), many=True, context=self.context
        ).data

    def get_required_documents(self, service: Any) -> list[dict[str, Any]]:
        return RequiredDocumentSerializer(
            sorted(service.required_documents.all(), key=by_id), many=True, context=self.context
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
            sorted(organization.funding.all(), key=by_id), many=True, context=self.context
        ).data

    def get_contacts(self, organization: Any) -> list[dict[str, Any]]:
        return self.public_rows(organization.contacts.all(), ContactSerializer)

    def get_phones(self, organization: Any) -> list[dict[str, Any]]:
        return self.public_phones(organization.phones.all())

    def get_locations(self, organization: Any) -> list[dict[str, Any]]:
        return LocationSerializer(
            sorted(organization.locations.all(), key=by_id), many=True, context=self.context
        ).data

    def get_programs(self, organization: Any) -> list[dict[str, Any]]:
        return ProgramSerializer(
            sorted(organization.programs.all(), key=by_id), many=True, context=self.context
        ).data

    def get_organization_identifiers(self, organization: Any) -> list[dict[str, Any]]:
        return OrganizationIdentifierSerializer(
            sorted(organization.organization_identifiers.all(), key=by_id),
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
        return serializer(sorted(services, key=by_id), many=True, context=self.context).data
