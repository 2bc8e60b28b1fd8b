from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _


class SearchRow(models.Model):
    """What search reads of a service, one narrow row each (services/search/rows.py). Written
    only by triggers on services_service; never edited here. Also open_week (int4multirange),
    added in SQL like the service's own."""

    service = models.OneToOneField(
        "services.Service",
        verbose_name=_("service"),
        primary_key=True,
        db_column="id",
        # The database deletes the row with its service (ON DELETE CASCADE, added in SQL).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    last_verified_at = models.DateTimeField(null=True)
    last_modified = models.DateTimeField()
    organization_id = models.UUIDField()
    is_free = models.BooleanField()
    no_id_required = models.BooleanField()
    immigration_status_not_asked = models.BooleanField()
    open_24_7 = models.BooleanField()
    is_accessible = models.BooleanField()
    trafficking_specialised = models.BooleanField()
    capacity_available = models.PositiveIntegerField(null=True)
    capacity_updated_at = models.DateTimeField(null=True)
    term_ids = ArrayField(models.UUIDField(), default=list)
    region_ids = ArrayField(models.BigIntegerField(), default=list)
    area_region_ids = ArrayField(models.BigIntegerField(), default=list)
    language_codes = ArrayField(models.CharField(max_length=10), default=list)
    populations = ArrayField(models.CharField(max_length=30), default=list)
    time_zone = models.CharField(max_length=64, blank=True)
    # PUBLIC points only (copied from Service.search_points); GiST-indexed by Django.
    search_points = models.MultiPointField(geography=True, srid=4326, null=True)
    sort_es = models.TextField()
    sort_en = models.TextField()

    class Meta:
        # No verbose names: nobody sees this table (no admin, no API, no page).
        indexes = [
            GinIndex(fields=["term_ids"], name="searchrow_term_ids_gin"),
            GinIndex(fields=["region_ids"], name="searchrow_region_ids_gin"),
            GinIndex(fields=["area_region_ids"], name="searchrow_area_region_ids_gin"),
            GinIndex(fields=["language_codes"], name="searchrow_language_codes_gin"),
            GinIndex(fields=["populations"], name="searchrow_populations_gin"),
            models.Index(fields=["sort_es", "service"], name="searchrow_sort_es"),
            models.Index(fields=["sort_en", "service"], name="searchrow_sort_en"),
            models.Index(fields=["organization_id"], name="searchrow_organization"),
        ]


INCLUDED = [
    "active",
    "fresh_at",
    "is_free",
    "no_id_required",
    "immigration_status_not_asked",
    "open_24_7",
    "is_accessible",
    "trafficking_specialised",
]


class SearchFacet(models.Model):
    """One row per (facet, service) in name order per language (services/search/rows.py,
    FACET_ROWS): a term, language or population filter reads its listings already sorted.
    Written only by triggers on services_searchrow."""

    pk = models.CompositePrimaryKey("facet", "service")
    # A term's id, or search.rows.facet_id("language", "pt") / ("population", "lgbtq").
    facet = models.UUIDField()
    service = models.ForeignKey(
        SearchRow,
        db_column="id",
        # The database deletes these rows with their search row (ON DELETE CASCADE, in SQL).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    sort_es = models.TextField()
    sort_en = models.TextField()
    # Tested in the index during the walk (search/rows.py, FACET_COPIES): status = 'active', the
    # freshness date, the yes/no filters.
    active = models.BooleanField()
    fresh_at = models.DateTimeField()
    is_free = models.BooleanField()
    no_id_required = models.BooleanField()
    immigration_status_not_asked = models.BooleanField()
    open_24_7 = models.BooleanField()
    is_accessible = models.BooleanField()
    trafficking_specialised = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["facet", "sort_es", "service"],
                include=INCLUDED,
                name="searchfacet_sort_es",
            ),
            models.Index(
                fields=["facet", "sort_en", "service"],
                include=INCLUDED,
                name="searchfacet_sort_en",
            ),
        ]


class ServiceDocument(models.Model):
    """A service's public API list item in one content language and its result card in the
    same interface language, built from the models by
    services/search/documents.py whenever refresh_services() recomputes its search row, so that
    a search page is read as stored JSON instead of loaded and serialised model by model.

    `body` is the item as the serializer gives it, per-request keys (distance, "open now",
    current free places) still in place; `hours` is what "open now" reads (zone and rules);
    `changed_at` the latest change among the rows the item was built from (the API's
    Last-Modified); `service_modified` the service's own `last_modified` at build, so that a
    document older than its service's row is never served. Only services the public may see
    have one."""

    pk = models.CompositePrimaryKey("service", "lang")
    service = models.ForeignKey(
        "services.Service",
        # The database deletes these rows with their service (ON DELETE CASCADE, added in SQL),
        # however the service is deleted.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # The primary key (service, lang) serves every look-up by service.
        db_index=False,
        related_name="+",
    )
    lang = models.CharField(max_length=5)
    # JSON text, not jsonb: jsonb would reorder the keys, and the response must be identical.
    body = models.TextField()
    hours = models.JSONField(null=True)
    changed_at = models.DateTimeField(null=True)
    service_modified = models.DateTimeField()
    # The result card in this (interface) language, one variant per location it can be shown
    # at (services/search/documents.py, build_card); null: drawn from the models.
    card = models.JSONField(null=True)
