"""No table carries two indexes with the same definition: each costs every write its own update
and the cache its own pages (GeoDjango's automatic spatial index beside a named GiST one was
73 MB of dead weight at 1,000,000 services)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_table_has_two_identical_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tablename, array_agg(indexname ORDER BY indexname)
            FROM pg_indexes
            WHERE schemaname = current_schema()
            GROUP BY tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON ', '')
            HAVING count(*) > 1
            """
        )
        assert cursor.fetchall() == []
