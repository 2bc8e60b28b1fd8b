from services.models.base import ContentLanguage, HsdsRecord, Translated
from services.models.details import Attribute, Contact, Language, Metadata, Phone, Schedule
from services.models.lexicon import SearchWord
from services.models.locations import Accessibility, Address, Location, ServiceAtLocation
from services.models.organizations import Funding, Organization, OrganizationIdentifier, Program
from services.models.regions import PostalCode, Region

# Loaded for Django; not a directory model (no admin, no API): search's own copy of columns.
from services.models.search_rows import SearchFacet, SearchRow, ServiceDocument  # noqa: F401
from services.models.services import (
    CostOption,
    Population,
    RequiredDocument,
    Service,
    ServiceArea,
)
from services.models.stewardship import DuplicateCandidate, ImportRun, MergedRecord
from services.models.taxonomy import Taxonomy, TaxonomyTerm
from services.models.upkeep import (
    Suggestion,
    Verification,
    VerificationMethod,
    VerificationReminder,
)

__all__ = [
    "Accessibility",
    "Address",
    "Attribute",
    "ContentLanguage",
    "Contact",
    "CostOption",
    "DuplicateCandidate",
    "Funding",
    "HsdsRecord",
    "ImportRun",
    "Language",
    "Location",
    "MergedRecord",
    "Metadata",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "Population",
    "PostalCode",
    "Program",
    "Region",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "SearchWord",
    "ServiceAtLocation",
    "Taxonomy",
    "TaxonomyTerm",
    "Suggestion",
    "Translated",
    "Verification",
    "VerificationMethod",
    "VerificationReminder",
]
