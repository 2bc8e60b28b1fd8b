"""Which texts are stored per language (django-modeltranslation adds `<field>_<lang>` columns for
es, en, pt, fr and ht). History is registered after these, at the end."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from services import models as m


@register(m.Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("description",)


@register(m.Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "description")


@register(m.Service)
class ServiceTranslation(TranslationOptions):
    fields = (
        "name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
        "alert",
        "wait_time",
    )


@register(m.ServiceArea)
class ServiceAreaTranslation(TranslationOptions):
    fields = ("name", "description")


@register(m.CostOption)
class CostOptionTranslation(TranslationOptions):
    fields = ("option", "amount_description")


@register(m.RequiredDocument)
class RequiredDocumentTranslation(TranslationOptions):
    fields = ("document",)


@register(m.Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "description", "transportation")


@register(m.ServiceAtLocation)
class ServiceAtLocationTranslation(TranslationOptions):
    fields = ("description",)


@register(m.Accessibility)
class AccessibilityTranslation(TranslationOptions):
    fields = ("description", "details")


@register(m.Phone)
class PhoneTranslation(TranslationOptions):
    fields = ("description",)


@register(m.Schedule)
class ScheduleTranslation(TranslationOptions):
    fields = ("description", "notes", "attending_type")


@register(m.Language)
class LanguageTranslation(TranslationOptions):
    fields = ("note",)


@register(m.Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(m.TaxonomyTerm)
class TaxonomyTermTranslation(TranslationOptions):
    fields = ("name", "description")


# History after the translation fields: the historical models then copy the
# per-language columns. The search columns are derived, so they are left out.
SEARCH_COLUMNS = [
    "search_points",
    "search_vector",
    "language_codes",
    "term_ids",
    "region_ids",
    "area_region_ids",
    "is_accessible",
    "time_zone",
]
simple_history.register(m.Service, excluded_fields=SEARCH_COLUMNS, app=__package__)
simple_history.register(m.Phone, app=__package__)
