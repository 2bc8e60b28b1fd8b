"""The public HSDS 3.0 serializers: what anyone may read through /api/v1/.

base.py holds PublicSerializer and the records every other one nests; records.py the locations,
services, organisations and their detail forms; list_items.py the /services list items built
without DRF's per-object machinery. Callers import from here.
"""

from services.api.serializers.base import (
    AccessibilitySerializer,
    AddressSerializer,
    AttributeSerializer,
    ContactSerializer,
    LanguageSerializer,
    PhoneSerializer,
    PublicSerializer,
    ScheduleSerializer,
    TaxonomySerializer,
    TaxonomyTermSerializer,
    by_id,
    localized,
)
from services.api.serializers.list_items import service_list_items
from services.api.serializers.records import (
    CostOptionSerializer,
    FundingSerializer,
    LocationBriefSerializer,
    LocationSerializer,
    OrganizationDetailSerializer,
    OrganizationIdentifierSerializer,
    OrganizationSerializer,
    ProgramSerializer,
    RequiredDocumentSerializer,
    ServiceAreaSerializer,
    ServiceAtLocationDetailSerializer,
    ServiceAtLocationSerializer,
    ServiceDetailSerializer,
    ServiceNestedLocationSerializer,
    ServiceSerializer,
)

__all__ = [
    "AccessibilitySerializer",
    "AddressSerializer",
    "AttributeSerializer",
    "ContactSerializer",
    "CostOptionSerializer",
    "FundingSerializer",
    "LanguageSerializer",
    "LocationBriefSerializer",
    "LocationSerializer",
    "OrganizationDetailSerializer",
    "OrganizationIdentifierSerializer",
    "OrganizationSerializer",
    "PhoneSerializer",
    "ProgramSerializer",
    "PublicSerializer",
    "RequiredDocumentSerializer",
    "ScheduleSerializer",
    "ServiceAreaSerializer",
    "ServiceAtLocationDetailSerializer",
    "ServiceAtLocationSerializer",
    "ServiceDetailSerializer",
    "ServiceNestedLocationSerializer",
    "ServiceSerializer",
    "TaxonomySerializer",
    "TaxonomyTermSerializer",
    "by_id",
    "localized",
    "service_list_items",
]
