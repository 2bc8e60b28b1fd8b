"""The HSDS 3.0 tables as Enlace stores them: one description that import and export share.

Each table lists its HSDS columns in the specification's order (the order of the official CSV
files), the references among them, the texts we keep per language and our extension columns
(documented in EXTENSIONS.md). Tables are listed in dependency order: a table only refers to
tables above it, except for the two self-references (parent organisation, parent term).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import models

from services import models as m


@dataclass(frozen=True)
class Ref:
    column: str  # the HSDS column, e.g. "organization_id"
    table: str  # the table it points to, e.g. "organizations"
    required: bool = False

    @property
    def attname(self) -> str:
        return self.column


@dataclass(frozen=True)
class Nested:
    """How a JSON document nests another object: under `key`, a list (`many`) or one object.

    `child_sets` is the child's column that takes the parent's id (a list of children); for a
    single nested object it is None and `parent_sets` names the parent's column that takes the
    child's id (service.organization → service.organization_id)."""

    key: str
    table: str
    many: bool = True
    child_sets: str | None = None
    parent_sets: str | None = None


@dataclass(frozen=True)
class Table:
    name: str  # HSDS tabular resource, also our export file stem ("services")
    object_name: str  # HSDS object name ("service")
    model: type[models.Model]
    columns: tuple[str, ...]  # HSDS columns, specification order
    refs: tuple[Ref, ...] = ()
    extensions: tuple[str, ...] = ()
    translated: tuple[str, ...] = ()
    nested: tuple[Nested, ...] = ()
    csv_name: str = ""

    @property
    def csv_path(self) -> str:
        return self.csv_name or f"{self.name}.csv"

    @cached_property
    def ref_by_column(self) -> dict[str, Ref]:
        return {ref.column: ref for ref in self.refs}

    @property
    def self_refs(self) -> tuple[Ref, ...]:
        return tuple(ref for ref in self.refs if ref.table == self.name)

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.extensions

    @property
    def has_content_language(self) -> bool:
        return issubclass(self.model, m.Translated)

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table


def content_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.CONTENT_LANGUAGES)


TEXT_EXTENSIONS = ("content_language", "translations")
_ATTR = Nested("attributes", "attributes", child_sets="link_id")
_META = Nested("metadata", "metadata", child_sets="resource_id")

TABLES: tuple[Table, ...] = (
    Table(
        "taxonomies",
        "taxonomy",
        m.Taxonomy,
        ("id", "name", "description", "uri", "version"),
        nested=(_META,),
    ),
    Table(
        "taxonomy_terms",
        "taxonomy_term",
        m.TaxonomyTerm,
        (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ),
        refs=(Ref("parent_id", "taxonomy_terms"), Ref("taxonomy_id", "taxonomies")),
        extensions=("translations", "open_eligibility_code"),
        translated=("name", "description"),
        nested=(
            Nested("taxonomy_detail", "taxonomies", many=False, parent_sets="taxonomy_id"),
            _META,
        ),
    ),
    Table(
        "organizations",
        "organization",
        m.Organization,
        (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ),
        refs=(Ref("parent_organization_id", "organizations"),),
        extensions=TEXT_EXTENSIONS,
        translated=("description",),
        nested=(
            Nested("funding", "funding", child_sets="organization_id"),
            Nested("contacts", "contacts", child_sets="organization_id"),
            Nested("phones", "phones", child_sets="organization_id"),
            Nested("locations", "locations", child_sets="organization_id"),
            Nested("programs", "programs", child_sets="organization_id"),
            Nested(
                "organization_identifiers",
                "organization_identifiers",
                child_sets="organization_id",
            ),
            Nested("services", "services", child_sets="organization_id"),
            _ATTR,
            _META,
        ),
    ),
    Table(
        "programs",
        "program",
        m.Program,
        ("id", "organization_id", "name", "alternate_name", "description"),
        refs=(Ref("organization_id", "organizations", required=True),),
        extensions=TEXT_EXTENSIONS,
        translated=("name", "description"),
        nested=(_ATTR, _META),
    ),
    Table(
        "services",
        "service",
        m.Service,
        (
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ),
        refs=(
            Ref("organization_id", "organizations", required=True),
            Ref("program_id", "programs"),
        ),
        extensions=(
            *TEXT_EXTENSIONS,
            "populations",
            "immigration_status_not_asked",
            "no_id_required",
            "is_free",
            "open_24_7",
            "trafficking_specialised",
            "takes_children",
            "children_max_age",
            "capacity_available",
            "capacity_total",
            "capacity_unit",
            "capacity_updated_at",
            "last_verified_at",
        ),
        translated=(
            "name",
            "description",
            "eligibility_description",
            "application_process",
            "fees_description",
            "interpretation_services",
            "alert",
            "wait_time",
        ),
        nested=(
            Nested("organization", "organizations", many=False, parent_sets="organization_id"),
            Nested("program", "programs", many=False, parent_sets="program_id"),
            Nested("phones", "phones", child_sets="service_id"),
            Nested("schedules", "schedules", child_sets="service_id"),
            Nested("service_areas", "service_areas", child_sets="service_id"),
            Nested("service_at_locations", "service_at_locations", child_sets="service_id"),
            Nested("languages", "languages", child_sets="service_id"),
            Nested("funding", "funding", child_sets="service_id"),
            Nested("cost_options", "cost_options", child_sets="service_id"),
            Nested("required_documents", "required_documents", child_sets="service_id"),
            Nested("contacts", "contacts", child_sets="service_id"),
            _ATTR,
            _META,
        ),
    ),
    Table(
        "locations",
        "location",
        m.Location,
        (
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ),
        refs=(Ref("organization_id", "organizations"),),
        extensions=(*TEXT_EXTENSIONS, "is_confidential", "region_code", "time_zone"),
        translated=("name", "description", "transportation"),
        nested=(
            Nested("languages", "languages", child_sets="location_id"),
            Nested("addresses", "addresses", child_sets="location_id"),
            Nested("contacts", "contacts", child_sets="location_id"),
            Nested("accessibility", "accessibility", child_sets="location_id"),
            Nested("phones", "phones", child_sets="location_id"),
            Nested("schedules", "schedules", child_sets="location_id"),
            _ATTR,
            _META,
        ),
    ),
    Table(
        "service_at_locations",
        "service_at_location",
        m.ServiceAtLocation,
        ("id", "service_id", "location_id", "description"),
        refs=(
            Ref("service_id", "services", required=True),
            Ref("location_id", "locations", required=True),
        ),
        extensions=TEXT_EXTENSIONS,
        translated=("description",),
        nested=(
            Nested("service", "services", many=False, parent_sets="service_id"),
            Nested("location", "locations", many=False, parent_sets="location_id"),
            Nested("contacts", "contacts", child_sets="service_at_location_id"),
            Nested("phones", "phones", child_sets="service_at_location_id"),
            Nested("schedules", "schedules", child_sets="service_at_location_id"),
            _ATTR,
            _META,
        ),
        csv_name="service_at_location.csv",
    ),
    Table(
        "contacts",
        "contact",
        m.Contact,
        (
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
        ),
        refs=(
            Ref("organization_id", "organizations"),
            Ref("service_id", "services"),
            Ref("service_at_location_id", "service_at_locations"),
            Ref("location_id", "locations"),
        ),
        nested=(Nested("phones", "phones", child_sets="contact_id"), _ATTR, _META),
    ),
    Table(
        "phones",
        "phone",
        m.Phone,
        (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ),
        refs=(
            Ref("location_id", "locations"),
            Ref("service_id", "services"),
            Ref("organization_id", "organizations"),
            Ref("contact_id", "contacts"),
            Ref("service_at_location_id", "service_at_locations"),
        ),
        extensions=(*TEXT_EXTENSIONS, "whatsapp", "is_intake"),
        translated=("description",),
        nested=(Nested("languages", "languages", child_sets="phone_id"), _ATTR, _META),
    ),
    Table(
        "languages",
        "language",
        m.Language,
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        refs=(
            Ref("service_id", "services"),
            Ref("location_id", "locations"),
            Ref("phone_id", "phones"),
        ),
        extensions=TEXT_EXTENSIONS,
        translated=("note",),
        nested=(_ATTR, _META),
    ),
    Table(
        "addresses",
        "address",
        m.Address,
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        refs=(Ref("location_id", "locations", required=True),),
        nested=(_ATTR, _META),
    ),
    Table(
        "schedules",
        "schedule",
        m.Schedule,
        (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ),
        refs=(
            Ref("service_id", "services"),
            Ref("location_id", "locations"),
            Ref("service_at_location_id", "service_at_locations"),
        ),
        extensions=TEXT_EXTENSIONS,
        translated=("description", "notes", "attending_type"),
        nested=(_ATTR, _META),
    ),
    Table(
        "service_areas",
        "service_area",
        m.ServiceArea,
        ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
        refs=(Ref("service_id", "services"),),
        extensions=(*TEXT_EXTENSIONS, "region_code", "area"),
        translated=("name", "description"),
        nested=(_ATTR, _META),
    ),
    Table(
        "funding",
        "funding",
        m.Funding,
        ("id", "organization_id", "service_id", "source"),
        refs=(Ref("organization_id", "organizations"), Ref("service_id", "services")),
        nested=(_ATTR, _META),
    ),
    Table(
        "accessibility",
        "accessibility",
        m.Accessibility,
        ("id", "location_id", "description", "details", "url"),
        refs=(Ref("location_id", "locations", required=True),),
        extensions=TEXT_EXTENSIONS,
        translated=("description", "details"),
        nested=(_ATTR, _META),
    ),
    Table(
        "attributes",
        "attribute",
        m.Attribute,
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        refs=(Ref("taxonomy_term_id", "taxonomy_terms", required=True),),
        nested=(
            Nested("taxonomy_term", "taxonomy_terms", many=False, parent_sets="taxonomy_term_id"),
            _META,
        ),
    ),
    Table(
        "cost_options",
        "cost_option",
        m.CostOption,
        (
            "id",
            "service_id",
            "valid_from",
            "valid_to",
            "option",
            "currency",
            "amount",
            "amount_description",
        ),
        refs=(Ref("service_id", "services", required=True),),
        extensions=TEXT_EXTENSIONS,
        translated=("option", "amount_description"),
        nested=(_ATTR, _META),
    ),
    Table(
        "required_documents",
        "required_document",
        m.RequiredDocument,
        ("id", "service_id", "document", "uri"),
        refs=(Ref("service_id", "services", required=True),),
        extensions=TEXT_EXTENSIONS,
        translated=("document",),
        nested=(_ATTR, _META),
    ),
    Table(
        "organization_identifiers",
        "organization_identifier",
        m.OrganizationIdentifier,
        ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
        refs=(Ref("organization_id", "organizations", required=True),),
        nested=(_ATTR, _META),
    ),
    Table(
        "metadata",
        "metadata",
        m.Metadata,
        (
            "id",
            "resource_id",
            "resource_type",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ),
    ),
)

BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}
BY_OBJECT: dict[str, Table] = {table.object_name: table for table in TABLES}
BY_CSV: dict[str, Table] = {table.csv_path: table for table in TABLES}
# HSDS resources we read but do not keep (described in EXTENSIONS.md).
IGNORED_CSV = {"meta_table_descriptions.csv"}
# HSDS columns we read but do not store: a term's free-text taxonomy is exported from its
# taxonomy's name instead.
UNSTORED_COLUMNS = {("taxonomy_terms", "taxonomy")}
# Columns that are not model fields of the same name.
COMPUTED_COLUMNS = {
    "latitude",
    "longitude",
    "region_code",
    "translations",
    "taxonomy",
    "area",
}
