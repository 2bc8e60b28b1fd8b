"""A trigram index for reading a mistyped place ("bogta"): without it every such search compared
the typed name with each of the gazetteer's names (66,000 towns and more), the costliest step of
a search with a typo in its place. unaccent() is not IMMUTABLE, so the index is over a wrapper
that is (the unaccent rules are fixed once the extension is installed)."""

from django.db import migrations

SQL = """
CREATE FUNCTION enlace_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
CREATE INDEX region_name_es_trgm ON services_region
    USING gin (enlace_unaccent(name_es) gin_trgm_ops);
"""
REVERSE = """
DROP INDEX IF EXISTS region_name_es_trgm;
DROP FUNCTION IF EXISTS enlace_unaccent(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0020_phone_numbers_e164"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
