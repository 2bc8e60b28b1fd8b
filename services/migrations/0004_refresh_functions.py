"""Re-installs the search SQL functions (services/search/index.py) on databases that applied 0003
before they gained the parallel-friendly signature, the JIT setting and the time-zone check."""

from django.db import migrations

from services.search.index import REFRESH_FUNCTION_SQL


class Migration(migrations.Migration):
    dependencies = [("services", "0003_search_columns")]

    operations = [migrations.RunSQL(REFRESH_FUNCTION_SQL, migrations.RunSQL.noop)]
