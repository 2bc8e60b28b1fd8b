"""The application's database role (DATABASE_URL's) cannot rewrite history: on the real migrated
schema it may read and append audit events, and nothing else; it can neither switch the
append-only triggers off nor use the test suite's TRUNCATE opt-in."""

from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection

import audit

REFUSED = [
    "UPDATE audit_auditevent SET action = 'accounts.forged'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
    "DROP TRIGGER audit_event_no_update_or_delete ON audit_auditevent",
    "SELECT setval('audit_auditevent_id_seq', 1)",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$",
]


@pytest.fixture
def as_app(db) -> Iterator[psycopg.Connection]:
    """A connection to the test database as the application's own role, whose work is rolled
    back at the end (an audit row it appends could not be removed otherwise)."""
    db_settings = connection.settings_dict
    role = settings.DATABASE_APP_ROLE
    assert role and role != db_settings["USER"], "the suite must know a separate app role"
    app = psycopg.connect(
        host=db_settings["HOST"],
        port=db_settings["PORT"],
        dbname=db_settings["NAME"],
        user=role,
        password=settings.DATABASE_APP_PASSWORD or None,
    )
    try:
        yield app
    finally:
        app.rollback()
        app.close()


def test_the_app_role_is_no_superuser_and_owns_nothing(as_app):
    with as_app.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = current_user AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        assert cursor.fetchone() == (0,)


def test_the_app_role_gets_fresh_statistics_after_an_import_through_the_owners_function(as_app):
    """It owns no table, so its own ANALYZE is skipped with a warning, and the planner kept
    thinking freshly imported tables empty; `enlace_analyze` (what the importer calls) runs it
    as the owner, for the one table named."""
    warnings: list[str] = []
    as_app.add_notice_handler(lambda notice: warnings.append(notice.message_primary))
    with as_app.cursor() as cursor:
        cursor.execute("ANALYZE services_service")
        assert warnings and "only table or database owner can analyze it" in warnings[0]
        warnings.clear()
        cursor.execute("SELECT enlace_analyze('services_service'::regclass)")
        assert warnings == []
        cursor.execute("SELECT reltuples >= 0 FROM pg_class WHERE relname = 'services_service'")
        assert cursor.fetchone() == (True,)
        # Nobody else may call it.
        cursor.execute(
            "SELECT has_function_privilege('public', 'enlace_analyze(regclass)', 'EXECUTE')"
        )
        assert cursor.fetchone() == (False,)


def test_the_app_role_may_read_and_append_audit_events(as_app):
    event = audit.record(actor=None, action="accounts.probe")
    with as_app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone() == (0,)  # the test's own transaction is not committed
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, action, object_type, object_id, details, "
            "prev_hash, hash) VALUES (now(), 'accounts.probe', '', '', '{}', %s, %s) RETURNING id",
            ["0" * 64, "a" * 64],
        )
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize("statement", REFUSED)
def test_the_app_role_cannot_change_remove_or_unprotect_audit_events(as_app, statement):
    with as_app.cursor() as cursor, pytest.raises(psycopg.errors.InsufficientPrivilege):
        cursor.execute(statement)


def test_the_test_suites_truncate_opt_in_opens_nothing_to_the_app_role(as_app):
    with as_app.cursor() as cursor:
        cursor.execute("SET enlace.allow_audit_truncate = 'on'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("TRUNCATE audit_auditevent")


def test_the_app_role_may_do_what_the_application_does_on_other_tables(as_app):
    """Tables of every app, including ones later migrations add (default privileges)."""
    with as_app.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'audit_auditevent' "
            "AND NOT has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE') "
            "AND c.relname <> 'spatial_ref_sys'"
        )
        assert cursor.fetchall() == []
        cursor.execute("UPDATE services_service SET name_es = name_es WHERE false")
        cursor.execute("DELETE FROM django_session WHERE false")


def test_tables_made_by_later_migrations_are_granted_too(db, as_app):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_branch_table (id bigserial PRIMARY KEY, note text)")
    # The owner's default privileges apply at once, within the owner's transaction; the app
    # role's connection sees the table only once committed, so ask the catalogue as the owner.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'later_branch_table', 'SELECT, INSERT, UPDATE, DELETE'),"
            " has_table_privilege(%s, 'later_branch_table', 'TRUNCATE'),"
            " has_sequence_privilege(%s, 'later_branch_table_id_seq', 'USAGE')",
            [settings.DATABASE_APP_ROLE] * 3,
        )
        assert cursor.fetchone() == (True, False, True)
