"""Re-installs the search SQL functions: a location without a region now counts in the nearest
town (services/search/index.py)."""

from django.db import migrations

from services.search.index import REFRESH_FUNCTION_SQL


class Migration(migrations.Migration):
    dependencies = [("services", "0005_published_index")]

    operations = [migrations.RunSQL(REFRESH_FUNCTION_SQL, migrations.RunSQL.noop)]
