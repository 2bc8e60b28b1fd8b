"""Django admin for the directory: translations side by side (modeltranslation's tabs, with
Django's own jQuery, so no third-party request), locations, phones and schedules inline, search
and filters everywhere.

Positions are edited as latitude/longitude numbers rather than with a map widget: GeoDjango's map
widgets load OpenLayers from a CDN. The exact position and street address of a confidential
location are shown to superusers only; other staff see the public point and the region.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from services import models as m
from services.phones import E164_PATTERN
from services.search import documents as public_documents
from services.search.index import refresh_services


def _can_see_exact(request: HttpRequest) -> bool:
    # The staff helper replaces this with accounts.permissions (verified partners' staff).
    return bool(request.user.is_active and request.user.is_superuser)


class LocationForm(forms.ModelForm):
    latitude = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("longitude"), required=False, min_value=-180, max_value=180
    )

    class Meta:
        model = m.Location
        # Every editable field except the positions, which latitude/longitude stand for.
        fields = [
            f.name
            for f in m.Location._meta.get_fields()
            if getattr(f, "editable", False)
            and f.concrete
            and not f.auto_created
            and f.name not in ("id", "point", "public_point")
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        point = self.instance.point if self.instance.pk else None
        if point is not None:
            self.fields["latitude"].initial = point.y
            self.fields["longitude"].initial = point.x

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        self.instance.point = Point(lon, lat, srid=4326) if lat is not None else None
        return data


class ConfidentialLocationMixin:
    """Hides the exact position (and the address inline) of confidential locations from staff
    who may not see them."""

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is not None and obj.is_confidential and not _can_see_exact(request):
            kwargs["exclude"] = [*(kwargs.get("exclude") or []), "latitude", "longitude"]
            form = super().get_form(request, obj, **kwargs)
            form.base_fields.pop("latitude", None)
            form.base_fields.pop("longitude", None)
            return form
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.is_confidential and not _can_see_exact(request):
            inlines = [i for i in inlines if i is not AddressInline]
        return inlines


class PhoneInline(TranslationTabularInline):
    model = m.Phone
    extra = 0
    fields = ["number", "extension", "type", "whatsapp", "is_intake", "description"]
    fk_name = None


class ServicePhoneInline(PhoneInline):
    fk_name = "service"


class LocationPhoneInline(PhoneInline):
    fk_name = "location"


class ScheduleInline(TranslationStackedInline):
    model = m.Schedule
    extra = 0
    fields = [
        ("freq", "interval", "byday", "bymonthday"),
        ("opens_at", "closes_at"),
        ("valid_from", "valid_to", "dtstart", "until"),
        "description",
        "notes",
    ]


class ServiceScheduleInline(ScheduleInline):
    fk_name = "service"


class LocationScheduleInline(ScheduleInline):
    fk_name = "location"


class LanguageInline(TranslationTabularInline):
    model = m.Language
    extra = 0
    fields = ["code", "name", "note"]


class ServiceLanguageInline(LanguageInline):
    fk_name = "service"


class LocationLanguageInline(LanguageInline):
    fk_name = "location"


class ServiceAtLocationInline(admin.TabularInline):
    model = m.ServiceAtLocation
    extra = 0
    fields = ["location"]
    autocomplete_fields = ["location"]


class ServiceAreaInline(TranslationTabularInline):
    model = m.ServiceArea
    extra = 0
    fields = ["region", "name", "description"]
    autocomplete_fields = ["region"]


class CostOptionInline(TranslationTabularInline):
    model = m.CostOption
    extra = 0
    fields = ["option", "amount", "currency", "amount_description"]


class RequiredDocumentInline(TranslationTabularInline):
    model = m.RequiredDocument
    extra = 0
    fields = ["document", "uri"]


class AddressInline(admin.StackedInline):
    model = m.Address
    extra = 0


class AccessibilityInline(TranslationTabularInline):
    model = m.Accessibility
    extra = 0
    fields = ["description", "details", "url"]


class RefreshSearchMixin:
    """Keeps the search columns and public documents true after every admin save or delete."""

    def affected_services(self, obj: Any) -> list:
        # What the record is shown on: documents.reached() (a region's name and time zone, a
        # term's name, an organisation's or programme's services).
        return public_documents.reached(obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh_services(self.affected_services(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services = self.affected_services(obj)
        super().delete_model(request, obj)
        refresh_services(services)


@admin.register(m.Service)
class ServiceAdmin(RefreshSearchMixin, SimpleHistoryAdmin, TabbedTranslationAdmin):
    """Listings, with their history (who, when, from what source, before and after) and a
    restore of any earlier version (the history page's "Revert")."""

    history_list_display = ["history_change_reason", "status", "last_verified_at"]
    list_display = ["name", "organization", "status", "is_free", "open_24_7", "last_verified_at"]
    list_filter = [
        "status",
        "is_free",
        "no_id_required",
        "immigration_status_not_asked",
        "open_24_7",
        "trafficking_specialised",
        "takes_children",
        "content_language",
    ]
    search_fields = ["name_es", "name_en", "organization__name"]
    autocomplete_fields = ["organization", "program"]
    date_hierarchy = "last_modified"
    inlines = [
        ServiceAtLocationInline,
        ServicePhoneInline,
        ServiceScheduleInline,
        ServiceLanguageInline,
        ServiceAreaInline,
        CostOptionInline,
        RequiredDocumentInline,
    ]
    readonly_fields = ["capacity_updated_at", "last_verified_by", "last_verified_method"]

    def affected_services(self, obj: Any) -> list:
        return [obj.pk]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Leaves the source on the history row and the change in the audit log. A restore
        (simple_history's revert form) saves no inlines, so it refreshes search itself."""
        import audit

        match = getattr(request, "resolver_match", None)
        version = None
        if match is not None and (match.url_name or "").endswith("_simple_history"):
            version = match.kwargs.get("version_id") or match.args[-1]
        obj._change_reason = f"restore of version {version}" if version else "staff edit (admin)"
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            organization=obj.organization_id,
            action="services.version_restored" if version else "services.listing_edited",
            obj=obj,
            request=request,
            details={"version": int(version)} if version else {"changed": len(form.changed_data)},
        )
        if version:
            refresh_services([obj.pk])


@admin.register(m.Location)
class LocationAdmin(ConfidentialLocationMixin, RefreshSearchMixin, TabbedTranslationAdmin):
    form = LocationForm
    list_display = ["name", "organization", "location_type", "is_confidential", "region"]
    list_filter = ["location_type", "is_confidential"]
    search_fields = ["name_es", "name_en", "organization__name", "region__name_es"]
    autocomplete_fields = ["organization", "region"]
    inlines = [
        AddressInline,
        LocationPhoneInline,
        LocationScheduleInline,
        LocationLanguageInline,
        AccessibilityInline,
    ]

    def affected_services(self, obj: Any) -> list:
        return list(obj.service_at_locations.values_list("service_id", flat=True))


@admin.register(m.Organization)
class OrganizationAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["name", "is_verified_partner", "website"]
    list_filter = ["is_verified_partner", "content_language"]
    search_fields = ["name", "alternate_name", "tax_id"]


@admin.register(m.Program)
class ProgramAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name_es", "name_en", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["code", "name", "parent", "open_eligibility_code"]
    list_filter = ["taxonomy"]
    search_fields = ["code", "name_es", "name_en", "keywords"]
    autocomplete_fields = ["parent"]


@admin.register(m.Region)
class RegionAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["code", "name", "level", "country_code", "population", "time_zone"]
    list_filter = ["level", "country_code"]
    search_fields = ["code", "name_es", "name_en"]
    exclude = ["centre", "area", "search_names"]
    autocomplete_fields = ["parent"]


@admin.register(m.PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    """Derived from offline data by load_regions: read here, corrected there."""

    list_display = ["code", "name", "country_code", "region"]
    list_filter = ["country_code"]
    search_fields = ["code", "name"]
    exclude = ["centre"]
    autocomplete_fields = ["region"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(m.ServiceArea)
class ServiceAreaAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["service", "region", "name"]
    search_fields = ["service__name_es", "region__name_es", "name_es"]
    autocomplete_fields = ["service", "region"]
    exclude = ["area"]

    def affected_services(self, obj: Any) -> list:
        return [obj.service_id] if obj.service_id else []


@admin.register(m.Schedule)
class ScheduleAdmin(RefreshSearchMixin, TabbedTranslationAdmin):
    list_display = ["service", "location", "freq", "byday", "opens_at", "closes_at"]
    list_filter = ["freq"]
    search_fields = ["service__name_es", "location__name_es"]
    autocomplete_fields = ["service", "location", "service_at_location"]

    def affected_services(self, obj: Any) -> list:
        return [obj.service_id] if obj.service_id else []


class SimpleTranslated(TabbedTranslationAdmin):
    search_fields = ["id"]


class PhoneFormatFilter(admin.SimpleListFilter):
    """Numbers still as they were typed before numbers were stored as E.164: the ones the
    normalising migration could not read, for a steward to correct (see `phones_to_fix`)."""

    title = _("number format")
    parameter_name = "format"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("fix", _("needs fixing")), ("e164", _("international (E.164)"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "fix":
            return queryset.exclude(number__regex=E164_PATTERN)
        if self.value() == "e164":
            return queryset.filter(number__regex=E164_PATTERN)
        return queryset


@admin.register(m.Phone)
class PhoneAdmin(SimpleTranslated):
    list_display = ["number", "type", "service", "location", "organization", "is_intake"]
    list_filter = [PhoneFormatFilter, "type"]
    search_fields = ["number"]
    raw_id_fields = [
        "service", "location", "organization", "contact", "service_at_location"
    ]  # fmt: skip


for model, fields in (
    (m.Language, ["code", "name", "service", "location"]),
    (m.Accessibility, ["location", "description"]),
    (m.CostOption, ["service", "option", "amount", "currency"]),
    (m.RequiredDocument, ["service", "document"]),
    (m.ServiceAtLocation, ["service", "location"]),
):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (SimpleTranslated,),
            {
                "list_display": fields,
                "raw_id_fields": [f for f in fields if f in ("service", "location")],
            },
        ),
    )


@admin.register(m.Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["location", "city", "state_province", "country"]
    search_fields = ["city", "location__name_es"]
    raw_id_fields = ["location"]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if not _can_see_exact(request):
            queryset = queryset.exclude(location__is_confidential=True)
        return queryset


@admin.register(m.Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "uri"]
    search_fields = ["name"]


@admin.register(m.Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["link_entity", "link_id", "taxonomy_term"]
    list_filter = ["link_entity"]
    search_fields = ["link_id", "taxonomy_term__code"]
    raw_id_fields = ["taxonomy_term"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.link_entity == "service":
            refresh_services([obj.link_id])


@admin.register(m.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organization", "service"]
    search_fields = ["name", "email"]
    raw_id_fields = ["organization", "service", "service_at_location", "location"]


@admin.register(m.OrganizationIdentifier)
class OrganizationIdentifierAdmin(admin.ModelAdmin):
    list_display = ["organization", "identifier_type", "identifier"]
    search_fields = ["identifier", "organization__name"]
    raw_id_fields = ["organization"]


@admin.register(m.Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["source", "organization", "service"]
    search_fields = ["source"]
    raw_id_fields = ["organization", "service"]


@admin.register(m.Metadata)
class MetadataAdmin(admin.ModelAdmin):
    list_display = ["resource_type", "resource_id", "last_action_type", "last_action_date"]
    list_filter = ["resource_type", "last_action_type"]
    search_fields = ["resource_id", "field_name"]
    raw_id_fields = ["import_run"]


@admin.register(m.MergedRecord)
class MergedRecordAdmin(admin.ModelAdmin):
    list_display = ["old_id", "record_type", "new_id", "merged_at"]
    search_fields = ["old_id", "new_id"]
    raw_id_fields = ["merged_by"]


@admin.register(m.SearchWord)
class SearchWordAdmin(admin.ModelAdmin):
    search_fields = ["word"]


# --- keeping listings true: read in the admin, changed through services.listings.upkeep -------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the workflows (with their audit events); the admin only reads them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["service", "verified_at", "method", "verified_by"]
    list_filter = ["method"]
    list_select_related = ["service", "verified_by"]


@admin.register(m.VerificationReminder)
class VerificationReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "week", "listings", "sent_at"]


@admin.register(m.Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["service", "kind", "source", "field_name", "status", "created_at"]
    list_filter = ["status", "kind", "source"]
    list_select_related = ["service"]
