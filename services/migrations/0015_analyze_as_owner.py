"""`enlace_analyze(table)`: fresh planner statistics for a table, asked for by the application's
role, which owns no table and so may not ANALYZE one itself (PostgreSQL skips it with a warning).
The function runs as its owner (the role that migrates), does nothing but ANALYZE the one table
named, and only the roles granted EXECUTE may call it (audit/roles.py grants the application's)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION enlace_analyze(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format('ANALYZE %s', target);
END;
$$;
REVOKE ALL ON FUNCTION enlace_analyze(regclass) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("services", "0014_suggestion_rows")]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION enlace_analyze(regclass)"),
    ]
