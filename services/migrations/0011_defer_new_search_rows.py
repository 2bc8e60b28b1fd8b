from django.db import migrations

from services.search.rows import SYNC_FUNCTION_REVERSE, SYNC_FUNCTION_SQL


class Migration(migrations.Migration):
    """An import's INSERTs of new services may leave their search rows to the refresh that
    follows (services/search/rows.py, DEFER_SETTING; bench/README.md finding 14)."""

    dependencies = [
        ("services", "0010_search_facets"),
    ]

    operations = [
        migrations.RunSQL(SYNC_FUNCTION_SQL, SYNC_FUNCTION_REVERSE),
    ]
