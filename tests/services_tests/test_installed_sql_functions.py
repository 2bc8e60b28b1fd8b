"""The SQL functions the migrations installed are the ones the code defines now.

Migrations hold their SQL frozen as it was when they were written, so that an old migration never
changes with the code; a change to a function in services/search/index.py or
services/search/rows.py therefore needs a new migration that installs it. This test finds a
forgotten one: inside a transaction it reads each installed function's definition, installs the
code's current one over it, reads it again and rolls back.
"""

import re

import pytest
from django.db import connection, transaction

from services.search import index, rows

# In the order a fresh install applies them: a later definition of a function replaces an earlier.
CURRENT_SQL = (
    index.REFRESH_FUNCTION_SQL,
    rows.TRIGGER_SQL,
    rows.SYNC_FUNCTION_SQL,
    rows.FACETS_FUNCTION_SQL,
    rows.FACET_TRIGGER_SQL,
)
FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION\s+(\w+)\s*\(.*?\$\$.*?\$\$\s*;", re.DOTALL)


def current_functions() -> dict[str, str]:
    """Each function's name and its CREATE statement, as the code defines it now."""
    found: dict[str, str] = {}
    for sql in CURRENT_SQL:
        for match in FUNCTION.finditer(sql):
            found[match.group(1)] = match.group(0)
    return found


def _definitions(name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname = %s AND n.nspname = current_schema() ORDER BY p.oid",
            [name],
        )
        return [row[0] for row in cursor.fetchall()]


class _Undo(Exception):
    pass


def test_the_code_defines_every_search_function() -> None:
    assert set(current_functions()) == {
        "enlace_public_point",
        "enlace_known_zone",
        "enlace_week_spans",
        "enlace_refresh_words",
        "enlace_refresh_services",
        "enlace_sync_search_rows",
        "enlace_search_facets",
        "enlace_sync_search_facets",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(current_functions()))
def test_the_installed_function_is_the_codes_current_one(name: str) -> None:
    installed = _definitions(name)
    assert len(installed) == 1, f"{name}: {len(installed)} installed definitions"
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(current_functions()[name])
            current = _definitions(name)
            raise _Undo
    except _Undo:
        pass
    assert installed == current, (
        f"{name} differs from the code's: a change to it needs a migration that installs it"
    )
