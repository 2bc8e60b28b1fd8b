"""The search columns of services, kept by one SQL function.

`enlace_refresh_services(ids uuid[])` recomputes, for the given services (NULL: all of them), the
columns search/query.py filters and sorts on: public positions, the full-text vector (Spanish and
English stemming, accent-free, with the labels and keywords of the service's taxonomy terms),
spoken languages, term ids, regions served, accessibility, time zone and the minutes of the
local week the service is open. It also adds new words to the typo lexicon.

After the columns, `refresh_services()` rebuilds the services' public documents
(services/search/documents.py); bulk loads (imports, generate_directory) discard them instead
and leave them to `build_documents`. Everything that changes a service's listing calls
`refresh_services()` (listings/upkeep.py, the admin, imports, load_demo, generate_directory),
so that search never reads stale columns or documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection, transaction

from services.search import cache as result_cache
from services.search import documents as public_documents

# The function lives in a migration (0003); this copy is what the migration installs, so that
# the SQL is reviewed once, here.
REFRESH_FUNCTION_SQL = r"""
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
               -- A location imported without a region counts in the town nearest to its
               -- public point (within 40 km), so that region filters still find it.
               array_agg(DISTINCT coalesce(l.region_id, (
                   SELECT near.id FROM services_region near
                   WHERE near.level = 2 AND l.public_point IS NOT NULL
                     AND ST_DWithin(near.centre, l.public_point, 40000)
                   ORDER BY near.centre <-> l.public_point LIMIT 1)))
                   FILTER (WHERE l.region_id IS NOT NULL OR l.public_point IS NOT NULL)
                   AS regions
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
        -- Each way a language reaches a service, from the ids through an index: a filter on
        -- coalesce(x.service_id, sal.service_id) would read every language row on every call.
        SELECT x.service_id, array_agg(DISTINCT lower(x.code)) AS codes
        FROM (
            SELECT l.service_id, l.code
            FROM enlace_refresh_ids t
            JOIN services_language l ON l.service_id = t.id
            UNION ALL
            SELECT sal.service_id, l.code
            FROM enlace_refresh_ids t
            JOIN services_serviceatlocation sal ON sal.service_id = t.id
            JOIN services_language l ON l.location_id = sal.location_id
            WHERE l.service_id IS NULL
        ) AS x
        WHERE coalesce(x.code, '') <> ''
        GROUP BY x.service_id
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
    ), sched_rows AS MATERIALIZED (
        -- A schedule belongs to the service itself, else to one of its service-at-locations,
        -- else to its location (then to every service there); each branch starts from the ids.
        SELECT y.* FROM (
            SELECT sc.service_id, true AS own, sc.byday, sc.opens_at, sc.closes_at, sc.freq,
                   sc.interval, sc.valid_to
            FROM enlace_refresh_ids t
            JOIN services_schedule sc ON sc.service_id = t.id
            UNION ALL
            SELECT sal.service_id, false, sc.byday, sc.opens_at, sc.closes_at, sc.freq,
                   sc.interval, sc.valid_to
            FROM enlace_refresh_ids t
            JOIN services_serviceatlocation sal ON sal.service_id = t.id
            JOIN services_schedule sc ON sc.service_at_location_id = sal.id
            WHERE sc.service_id IS NULL
            UNION ALL
            SELECT sal.service_id, false, sc.byday, sc.opens_at, sc.closes_at, sc.freq,
                   sc.interval, sc.valid_to
            FROM enlace_refresh_ids t
            JOIN services_serviceatlocation sal ON sal.service_id = t.id
            JOIN services_schedule sc ON sc.location_id = sal.location_id
            WHERE sc.service_id IS NULL AND sc.service_at_location_id IS NULL
        ) AS y
        WHERE y.freq = 'WEEKLY' AND coalesce(y.interval, 1) = 1
          AND y.opens_at IS NOT NULL AND y.closes_at IS NOT NULL
          AND (y.valid_to IS NULL OR y.valid_to >= current_date)
    ), rules AS MATERIALIZED (
        -- Services share a few dozen distinct rules: each rule's minutes are computed once.
        SELECT row_number() OVER (ORDER BY d.byday, d.opens_at, d.closes_at) AS n,
               d.byday, d.opens_at, d.closes_at,
               enlace_week_spans(d.byday, d.opens_at, d.closes_at) AS week
        FROM (SELECT DISTINCT coalesce(byday, '') AS byday, opens_at, closes_at
              FROM sched_rows) AS d
    ), sched_rules AS (
        -- A rule open no minute counts as absent (it neither opens the service nor hides its
        -- locations' hours).
        SELECT x.service_id, x.own, r.n,
               bool_or(x.own) OVER (PARTITION BY x.service_id) AS any_own
        FROM sched_rows x
        JOIN rules r ON r.byday = coalesce(x.byday, '') AND r.opens_at = x.opens_at
                    AND r.closes_at = x.closes_at
        WHERE r.week <> '{}'::int4multirange
    ), sched_sets AS (
        -- A service's own schedules win over those of its locations.
        SELECT service_id, array_agg(DISTINCT n ORDER BY n) AS rule_set
        FROM sched_rules
        WHERE own OR NOT any_own
        GROUP BY service_id
    ), weeks AS MATERIALIZED (
        -- And services share their sets of rules too: each set's union is computed once.
        SELECT d.rule_set, (SELECT range_agg(r.week) FROM rules r WHERE r.n = ANY(d.rule_set))
                   AS week
        FROM (SELECT DISTINCT rule_set FROM sched_sets) AS d
    ), sched AS (
        SELECT ss.service_id, w.week
        FROM sched_sets ss
        JOIN weeks w ON w.rule_set = ss.rule_set
    ), term_vectors AS MATERIALIZED (
        -- Services share their sets of terms, and listings often their descriptions (a
        -- network's branches, imports, generated directories): each distinct text is parsed
        -- once, the costliest step of a refresh. MATERIALIZED, or the planner would compute
        -- each vector again for every row of the join.
        SELECT d.text_es, d.text_en,
               setweight(to_tsvector('es_unaccent', d.text_es), 'B')
               || setweight(to_tsvector('en_unaccent', d.text_en), 'B') AS vector
        FROM (SELECT DISTINCT text_es, text_en FROM terms) AS d
    ), own AS (
        SELECT t.id AS service_id, o.name,
               concat_ws(' ', s2.description_es, s2.eligibility_description_es,
                         s2.application_process_es, s2.interpretation_services_es) AS text_es,
               concat_ws(' ', s2.description_en, s2.eligibility_description_en,
                         s2.application_process_en, s2.interpretation_services_en) AS text_en,
               concat_ws(' ', s2.description_pt, s2.description_fr, s2.description_ht)
                   AS text_other
        FROM enlace_refresh_ids t
        JOIN services_service s2 ON s2.id = t.id
        LEFT JOIN services_organization o ON o.id = s2.organization_id
    ), text_vectors AS MATERIALIZED (
        SELECT d.text_es, d.text_en, d.text_other,
               setweight(to_tsvector('es_unaccent', d.text_es), 'C')
               || setweight(to_tsvector('en_unaccent', d.text_en), 'C')
               || setweight(to_tsvector('simple_unaccent', d.text_other), 'D') AS vector
        FROM (SELECT DISTINCT text_es, text_en, text_other FROM own) AS d
    ), org AS (
        SELECT own.service_id, own.name, tv.vector AS text_vector
        FROM own
        JOIN text_vectors tv ON tv.text_es = own.text_es AND tv.text_en = own.text_en
                            AND tv.text_other = own.text_other
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
            || coalesce(tv.vector, '')
            || setweight(to_tsvector('simple_unaccent', coalesce(o.name, '')), 'B')
            || o.text_vector
    FROM enlace_refresh_ids t
    LEFT JOIN org o ON o.service_id = t.id
    LEFT JOIN loc ON loc.service_id = t.id
    LEFT JOIN area ON area.service_id = t.id
    LEFT JOIN lang ON lang.service_id = t.id
    LEFT JOIN terms ON terms.service_id = t.id
    LEFT JOIN term_vectors tv ON tv.text_es = terms.text_es AND tv.text_en = terms.text_en
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

REFRESH_FUNCTION_REVERSE = """
DROP FUNCTION IF EXISTS enlace_refresh_services(uuid[], boolean);
DROP FUNCTION IF EXISTS enlace_refresh_words();
DROP FUNCTION IF EXISTS enlace_known_zone(text);
DROP FUNCTION IF EXISTS enlace_week_spans(text, time, time);
DROP FUNCTION IF EXISTS enlace_public_point(geography, boolean);
"""


def refresh_services(
    ids: Iterable[uuid.UUID | str] | None = None, *, words: bool = True, documents: bool = True
) -> int:
    """Recomputes the search columns of these services (None: every service), then their public
    documents (services/search/documents.py). `words=False` skips the typo lexicon, which
    parallel bulk refreshes fill once at the end (refresh_words); `documents=False` leaves the
    documents to `build_documents` (bulk loads: until then those services' items are built
    from the models, as before). Search results cached before the refresh are no longer
    served."""
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("SELECT enlace_refresh_services(NULL, %s)", [words])
        else:
            id_list = [uuid.UUID(str(i)) for i in ids]
            if not id_list:
                return 0
            cursor.execute("SELECT enlace_refresh_services(%s::uuid[], %s)", [id_list, words])
        changed = cursor.fetchone()[0]
    if documents:
        if ids is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM services_service")
                id_list = [row[0] for row in cursor.fetchall()]
        public_documents.rebuild(id_list)
    else:
        # A document older than the refresh must never be served: gone, the item is built
        # from the models until build_documents runs.
        public_documents.discard(None if ids is None else id_list)
    result_cache.directory_changed()
    return changed


def refresh_words() -> None:
    """Adds the words of every service to the typo lexicon."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS enlace_refresh_ids (id uuid PRIMARY KEY)"
            " ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE enlace_refresh_ids")
        cursor.execute("INSERT INTO enlace_refresh_ids SELECT id FROM services_service")
        cursor.execute("SELECT enlace_refresh_words()")
