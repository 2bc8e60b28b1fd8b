"""Re-installs the search SQL functions (services/search/index.py): languages and schedules are
found from the refreshed ids through indexes (a refresh of a few services no longer reads both
tables whole), and each distinct description, set of terms, rule and set of rules is computed
once per call. The columns it writes are unchanged."""

from django.db import migrations

from services.search.index import REFRESH_FUNCTION_SQL


class Migration(migrations.Migration):
    dependencies = [("services", "0008_search_rows")]

    operations = [migrations.RunSQL(REFRESH_FUNCTION_SQL, migrations.RunSQL.noop)]
