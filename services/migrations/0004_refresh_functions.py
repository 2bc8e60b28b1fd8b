"""Re-installs the search SQL functions (services/search/index.py) on databases that applied 0003
before they gained the parallel-friendly signature, the JIT setting and the time-zone check."""

from django.db import migrations

# The SQL this migration ran, frozen as it was when the migration was written: the current
# functions live in services/search/index.py, and a change to them is a new migration.
REFRESH_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION enlace_public_point(p geography, confidential boolean)
RETURNS geography LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- Same grid as services/confidential.py: 0.045 degree rows, columns widened by
    -- 1/cos(latitude of the row's centre); the cell's centre, never the point.
    SELECT CASE
        WHEN p IS NULL THEN NULL
        WHEN NOT confidential THEN p
        ELSE (
            SELECT ST_SetSRID(ST_MakePoint(
                round((-180.0 + (floor((ST_X(p::geometry) + 180.0) / lon_step) + 0.5)
                      * lon_step)::numeric, 6)::float8,
                round(centre_lat::numeric, 6)::float8), 4326)::geography
            FROM (
                SELECT centre_lat,
                       0.045 / greatest(cos(radians(centre_lat)), 0.01) AS lon_step
                FROM (SELECT -90.0 + (floor((ST_Y(p::geometry) + 90.0) / 0.045) + 0.5) * 0.045
                             AS centre_lat) AS r
            ) AS g
        )
    END
$$;

CREATE OR REPLACE FUNCTION enlace_known_zone(zone text)
RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
-- Whether this server can convert to the zone (pg_timezone_names takes seconds to read).
BEGIN
    IF coalesce(zone, '') = '' THEN
        RETURN false;
    END IF;
    PERFORM now() AT TIME ZONE zone;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;

CREATE OR REPLACE FUNCTION enlace_week_spans(
    byday text, opens time, closes time
) RETURNS int4multirange LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- Minutes of the week (Monday 00:00 = 0) a weekly rule is open; see hours.weekly_minutes.
DECLARE
    week text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    items text[];
    item text;
    base int;
    o int := extract(hour FROM opens)::int * 60 + extract(minute FROM opens)::int;
    c int := extract(hour FROM closes)::int * 60 + extract(minute FROM closes)::int;
    spans int4multirange := '{}';
BEGIN
    IF coalesce(replace(byday, ' ', ''), '') = '' THEN
        items := week;
    ELSE
        items := string_to_array(upper(replace(byday, ' ', '')), ',');
    END IF;
    FOREACH item IN ARRAY items LOOP
        base := (array_position(week, regexp_replace(item, '^[+-]?[0-9]*', '')) - 1) * 1440;
        CONTINUE WHEN base IS NULL;
        IF o = c THEN
            spans := spans + int4multirange(int4range(base, base + 1440));
        ELSIF o < c THEN
            spans := spans + int4multirange(int4range(base + o, base + c));
        ELSE
            spans := spans + int4multirange(int4range(base + o, base + 1440),
                int4range((base + 1440) % 10080, (base + 1440) % 10080 + c));
        END IF;
    END LOOP;
    RETURN spans;
END
$$;

CREATE OR REPLACE FUNCTION enlace_refresh_words() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- The typo lexicon, from the services in enlace_refresh_ids: accent-free words of names,
    -- organisations and term labels and keywords.
    INSERT INTO services_searchword (word)
    SELECT DISTINCT w FROM (
        SELECT regexp_split_to_table(lower(unaccent(concat_ws(' ', s.name_es, s.name_en,
                                                             s.name, o.name))), '[^a-z0-9]+') AS w
        FROM services_service s
        JOIN enlace_refresh_ids t ON t.id = s.id
        JOIN services_organization o ON o.id = s.organization_id
        UNION ALL
        SELECT regexp_split_to_table(lower(unaccent(concat_ws(' ', tt.name_es, tt.name_en,
                                                             tt.keywords))), '[^a-z0-9]+')
        FROM services_taxonomyterm tt
        WHERE tt.id IN (SELECT unnest(s.term_ids) FROM services_service s
                        JOIN enlace_refresh_ids t ON t.id = s.id)
    ) AS words
    WHERE length(w) >= 4
    ON CONFLICT DO NOTHING;
END
$$;

DROP FUNCTION IF EXISTS enlace_refresh_services(uuid[]);
-- JIT would spend seconds compiling this large statement on every call.
CREATE OR REPLACE FUNCTION enlace_refresh_services(target uuid[], with_words boolean DEFAULT true)
RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    changed integer;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS enlace_refresh_ids (id uuid PRIMARY KEY) ON COMMIT DROP;
    TRUNCATE enlace_refresh_ids;
    IF target IS NULL THEN
        INSERT INTO enlace_refresh_ids SELECT id FROM services_service;
    ELSE
        INSERT INTO enlace_refresh_ids SELECT DISTINCT unnest(target) ON CONFLICT DO NOTHING;
    END IF;
    ANALYZE enlace_refresh_ids;

    WITH loc AS (
        SELECT sal.service_id,
               ST_Collect(l.public_point::geometry ORDER BY l.id)
                   FILTER (WHERE l.public_point IS NOT NULL
                           AND l.location_type = 'physical') AS pts,
               bool_or(EXISTS (SELECT 1 FROM services_accessibility a
                               WHERE a.location_id = l.id)) AS accessible,
               (array_agg(coalesce(nullif(l.time_zone, ''), r.time_zone) ORDER BY
                    l.location_type <> 'physical', l.id)
                    FILTER (WHERE coalesce(nullif(l.time_zone, ''), r.time_zone, '') <> ''))[1]
                    AS tz,
               array_agg(DISTINCT l.region_id) FILTER (WHERE l.region_id IS NOT NULL) AS regions
        FROM services_serviceatlocation sal
        JOIN enlace_refresh_ids t ON t.id = sal.service_id
        JOIN services_location l ON l.id = sal.location_id
        LEFT JOIN services_region r ON r.id = l.region_id
        GROUP BY sal.service_id
    ), area AS (
        SELECT sa.service_id,
               array_agg(DISTINCT sa.region_id) FILTER (WHERE sa.region_id IS NOT NULL)
                   AS regions,
               (array_agg(r.time_zone ORDER BY r.level DESC)
                    FILTER (WHERE coalesce(r.time_zone, '') <> ''))[1] AS tz
        FROM services_servicearea sa
        JOIN enlace_refresh_ids t ON t.id = sa.service_id
        LEFT JOIN services_region r ON r.id = sa.region_id
        GROUP BY sa.service_id
    ), lang AS (
        SELECT coalesce(x.service_id, sal.service_id) AS service_id,
               array_agg(DISTINCT lower(x.code)) AS codes
        FROM services_language x
        LEFT JOIN services_serviceatlocation sal ON sal.location_id = x.location_id
        WHERE coalesce(x.code, '') <> ''
          AND coalesce(x.service_id, sal.service_id) IN (SELECT id FROM enlace_refresh_ids)
        GROUP BY 1
    ), terms AS (
        SELECT a.link_id AS service_id,
               array_agg(DISTINCT a.taxonomy_term_id) AS ids,
               string_agg(coalesce(tt.name_es, tt.name, '') || ' '
                          || coalesce(tt.keywords, ''), ' ') AS text_es,
               string_agg(coalesce(tt.name_en, tt.name, '') || ' '
                          || coalesce(tt.keywords, ''), ' ') AS text_en
        FROM services_attribute a
        JOIN enlace_refresh_ids t ON t.id = a.link_id
        JOIN services_taxonomyterm tt ON tt.id = a.taxonomy_term_id
        WHERE a.link_entity = 'service'
        GROUP BY a.link_id
    ), sched AS (
        -- A service's own schedules win over those of its locations.
        SELECT x.service_id,
               CASE WHEN bool_or(x.own)
                    THEN range_agg(x.span) FILTER (WHERE x.own)
                    ELSE range_agg(x.span) END AS week
        FROM (
            SELECT coalesce(sc.service_id, sal.service_id, sal2.service_id) AS service_id,
                   sc.service_id IS NOT NULL AS own,
                   span
            FROM services_schedule sc
            CROSS JOIN LATERAL unnest(enlace_week_spans(sc.byday, sc.opens_at, sc.closes_at))
                AS span
            LEFT JOIN services_serviceatlocation sal ON sal.id = sc.service_at_location_id
            LEFT JOIN services_serviceatlocation sal2 ON sal2.location_id = sc.location_id
            WHERE sc.freq = 'WEEKLY' AND coalesce(sc.interval, 1) = 1
              AND sc.opens_at IS NOT NULL AND sc.closes_at IS NOT NULL
              AND (sc.valid_to IS NULL OR sc.valid_to >= current_date)
              AND coalesce(sc.service_id, sal.service_id, sal2.service_id)
                  IN (SELECT id FROM enlace_refresh_ids)
        ) AS x
        GROUP BY x.service_id
    ), org AS (
        SELECT t.id AS service_id, o.name
        FROM enlace_refresh_ids t
        JOIN services_service s2 ON s2.id = t.id
        JOIN services_organization o ON o.id = s2.organization_id
    ), ancestors AS (
        -- Every region of a location or area, with its parents (three levels at most).
        SELECT s.id AS service_id, array_agg(DISTINCT a.rid) AS ids
        FROM enlace_refresh_ids s
        LEFT JOIN loc ON loc.service_id = s.id
        LEFT JOIN area ON area.service_id = s.id
        CROSS JOIN LATERAL unnest(coalesce(loc.regions, '{}') || coalesce(area.regions, '{}'))
            AS r0(id)
        JOIN services_region r1 ON r1.id = r0.id
        LEFT JOIN services_region r2 ON r2.id = r1.parent_id
        LEFT JOIN services_region r3 ON r3.id = r2.parent_id
        CROSS JOIN LATERAL unnest(ARRAY[r1.id, r2.id, r3.id]) AS a(rid)
        WHERE a.rid IS NOT NULL
        GROUP BY s.id
    )
    UPDATE services_service s SET
        search_points = CASE WHEN loc.pts IS NULL OR ST_IsEmpty(loc.pts) THEN NULL
                             ELSE ST_Multi(loc.pts)::geography END,
        is_accessible = coalesce(loc.accessible, false),
        -- A zone PostgreSQL does not know would break every "open now" query.
        time_zone = CASE WHEN enlace_known_zone(coalesce(loc.tz, area.tz))
                         THEN coalesce(loc.tz, area.tz) ELSE '' END,
        region_ids = coalesce(ancestors.ids, '{}'),
        area_region_ids = coalesce(area.regions, '{}'),
        language_codes = coalesce(lang.codes, '{}'),
        term_ids = coalesce(terms.ids, '{}'),
        open_week = coalesce(sched.week, '{}'),
        search_vector =
            setweight(to_tsvector('es_unaccent', coalesce(s.name_es, s.name, '')), 'A')
            || setweight(to_tsvector('en_unaccent', coalesce(s.name_en, '')), 'A')
            || setweight(to_tsvector('simple_unaccent', concat_ws(' ', s.name_pt, s.name_fr,
                                                                    s.name_ht)), 'A')
            || setweight(to_tsvector('es_unaccent', coalesce(terms.text_es, '')), 'B')
            || setweight(to_tsvector('en_unaccent', coalesce(terms.text_en, '')), 'B')
            || setweight(to_tsvector('simple_unaccent', coalesce(o.name, '')), 'B')
            || setweight(to_tsvector('es_unaccent', concat_ws(' ', s.description_es,
                    s.eligibility_description_es, s.application_process_es,
                    s.interpretation_services_es)), 'C')
            || setweight(to_tsvector('en_unaccent', concat_ws(' ', s.description_en,
                    s.eligibility_description_en, s.application_process_en,
                    s.interpretation_services_en)), 'C')
            || setweight(to_tsvector('simple_unaccent', concat_ws(' ', s.description_pt,
                    s.description_fr, s.description_ht)), 'D')
    FROM enlace_refresh_ids t
    LEFT JOIN org o ON o.service_id = t.id
    LEFT JOIN loc ON loc.service_id = t.id
    LEFT JOIN area ON area.service_id = t.id
    LEFT JOIN lang ON lang.service_id = t.id
    LEFT JOIN terms ON terms.service_id = t.id
    LEFT JOIN sched ON sched.service_id = t.id
    LEFT JOIN ancestors ON ancestors.service_id = t.id
    WHERE s.id = t.id;
    GET DIAGNOSTICS changed = ROW_COUNT;

    IF with_words THEN
        PERFORM enlace_refresh_words();
    END IF;
    RETURN changed;
END
$$;
"""



class Migration(migrations.Migration):
    dependencies = [("services", "0003_search_columns")]

    operations = [migrations.RunSQL(REFRESH_FUNCTION_SQL, migrations.RunSQL.noop)]
