from django.db import migrations

# The SQL this migration ran, frozen as it was when the migration was written: the current
# functions live in services/search/rows.py, and a change to them is a new migration.
SYNC_FUNCTION_REVERSE = """
CREATE OR REPLACE FUNCTION enlace_sync_search_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO services_searchrow AS r (id, status, created_at, last_verified_at, last_modified, organization_id, is_free, no_id_required, immigration_status_not_asked, open_24_7, is_accessible, trafficking_specialised, capacity_available, capacity_updated_at, term_ids, region_ids, area_region_ids, language_codes, populations, open_week, time_zone, search_points, sort_es, sort_en) SELECT n.id, n.status, n.created_at, n.last_verified_at, n.last_modified, n.organization_id, n.is_free, n.no_id_required, n.immigration_status_not_asked, n.open_24_7, n.is_accessible, n.trafficking_specialised, n.capacity_available, n.capacity_updated_at, n.term_ids, n.region_ids, n.area_region_ids, n.language_codes, n.populations, n.open_week, n.time_zone, n.search_points, lower(coalesce(n.name_es, n.name)), lower(coalesce(n.name_en, n.name_es, n.name)) FROM new_rows AS n ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, created_at = EXCLUDED.created_at, last_verified_at = EXCLUDED.last_verified_at, last_modified = EXCLUDED.last_modified, organization_id = EXCLUDED.organization_id, is_free = EXCLUDED.is_free, no_id_required = EXCLUDED.no_id_required, immigration_status_not_asked = EXCLUDED.immigration_status_not_asked, open_24_7 = EXCLUDED.open_24_7, is_accessible = EXCLUDED.is_accessible, trafficking_specialised = EXCLUDED.trafficking_specialised, capacity_available = EXCLUDED.capacity_available, capacity_updated_at = EXCLUDED.capacity_updated_at, term_ids = EXCLUDED.term_ids, region_ids = EXCLUDED.region_ids, area_region_ids = EXCLUDED.area_region_ids, language_codes = EXCLUDED.language_codes, populations = EXCLUDED.populations, open_week = EXCLUDED.open_week, time_zone = EXCLUDED.time_zone, search_points = EXCLUDED.search_points, sort_es = EXCLUDED.sort_es, sort_en = EXCLUDED.sort_en WHERE (r.status, r.created_at, r.last_verified_at, r.last_modified, r.organization_id, r.is_free, r.no_id_required, r.immigration_status_not_asked, r.open_24_7, r.is_accessible, r.trafficking_specialised, r.capacity_available, r.capacity_updated_at, r.term_ids, r.region_ids, r.area_region_ids, r.language_codes, r.populations, r.open_week, r.time_zone, r.sort_es, r.sort_en) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.created_at, EXCLUDED.last_verified_at, EXCLUDED.last_modified, EXCLUDED.organization_id, EXCLUDED.is_free, EXCLUDED.no_id_required, EXCLUDED.immigration_status_not_asked, EXCLUDED.open_24_7, EXCLUDED.is_accessible, EXCLUDED.trafficking_specialised, EXCLUDED.capacity_available, EXCLUDED.capacity_updated_at, EXCLUDED.term_ids, EXCLUDED.region_ids, EXCLUDED.area_region_ids, EXCLUDED.language_codes, EXCLUDED.populations, EXCLUDED.open_week, EXCLUDED.time_zone, EXCLUDED.sort_es, EXCLUDED.sort_en) OR ST_AsBinary(r.search_points) IS DISTINCT FROM ST_AsBinary(EXCLUDED.search_points);
    RETURN NULL;
END
$$;
"""

SYNC_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION enlace_sync_search_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('enlace.defer_new_search_rows', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO services_searchrow AS r (id, status, created_at, last_verified_at, last_modified, organization_id, is_free, no_id_required, immigration_status_not_asked, open_24_7, is_accessible, trafficking_specialised, capacity_available, capacity_updated_at, term_ids, region_ids, area_region_ids, language_codes, populations, open_week, time_zone, search_points, sort_es, sort_en) SELECT n.id, n.status, n.created_at, n.last_verified_at, n.last_modified, n.organization_id, n.is_free, n.no_id_required, n.immigration_status_not_asked, n.open_24_7, n.is_accessible, n.trafficking_specialised, n.capacity_available, n.capacity_updated_at, n.term_ids, n.region_ids, n.area_region_ids, n.language_codes, n.populations, n.open_week, n.time_zone, n.search_points, lower(coalesce(n.name_es, n.name)), lower(coalesce(n.name_en, n.name_es, n.name)) FROM new_rows AS n ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, created_at = EXCLUDED.created_at, last_verified_at = EXCLUDED.last_verified_at, last_modified = EXCLUDED.last_modified, organization_id = EXCLUDED.organization_id, is_free = EXCLUDED.is_free, no_id_required = EXCLUDED.no_id_required, immigration_status_not_asked = EXCLUDED.immigration_status_not_asked, open_24_7 = EXCLUDED.open_24_7, is_accessible = EXCLUDED.is_accessible, trafficking_specialised = EXCLUDED.trafficking_specialised, capacity_available = EXCLUDED.capacity_available, capacity_updated_at = EXCLUDED.capacity_updated_at, term_ids = EXCLUDED.term_ids, region_ids = EXCLUDED.region_ids, area_region_ids = EXCLUDED.area_region_ids, language_codes = EXCLUDED.language_codes, populations = EXCLUDED.populations, open_week = EXCLUDED.open_week, time_zone = EXCLUDED.time_zone, search_points = EXCLUDED.search_points, sort_es = EXCLUDED.sort_es, sort_en = EXCLUDED.sort_en WHERE (r.status, r.created_at, r.last_verified_at, r.last_modified, r.organization_id, r.is_free, r.no_id_required, r.immigration_status_not_asked, r.open_24_7, r.is_accessible, r.trafficking_specialised, r.capacity_available, r.capacity_updated_at, r.term_ids, r.region_ids, r.area_region_ids, r.language_codes, r.populations, r.open_week, r.time_zone, r.sort_es, r.sort_en) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.created_at, EXCLUDED.last_verified_at, EXCLUDED.last_modified, EXCLUDED.organization_id, EXCLUDED.is_free, EXCLUDED.no_id_required, EXCLUDED.immigration_status_not_asked, EXCLUDED.open_24_7, EXCLUDED.is_accessible, EXCLUDED.trafficking_specialised, EXCLUDED.capacity_available, EXCLUDED.capacity_updated_at, EXCLUDED.term_ids, EXCLUDED.region_ids, EXCLUDED.area_region_ids, EXCLUDED.language_codes, EXCLUDED.populations, EXCLUDED.open_week, EXCLUDED.time_zone, EXCLUDED.sort_es, EXCLUDED.sort_en) OR ST_AsBinary(r.search_points) IS DISTINCT FROM ST_AsBinary(EXCLUDED.search_points);
    RETURN NULL;
END
$$;
"""



class Migration(migrations.Migration):
    """An import's INSERTs of new services may leave their search rows to the refresh that
    follows (services/search/rows.py, DEFER_SETTING; bench/README.md finding 14)."""

    dependencies = [
        ("services", "0010_search_facets"),
    ]

    operations = [
        migrations.RunSQL(SYNC_FUNCTION_SQL, SYNC_FUNCTION_REVERSE),
    ]
