"""The two database roles: the owner, which runs `migrate`, and the application's role.

The application (web, worker, beat, every manage.py command but `migrate`) connects with
DATABASE_URL as a role that is no superuser and owns nothing, so it can neither switch the audit
triggers off (DISABLE TRIGGER needs ownership, `session_replication_role = replica` a superuser)
nor change the audit log: on audit_auditevent it may only INSERT and SELECT. `migrate` connects
with DATABASE_OWNER_URL, and after every run `grant_app_role` gives the application's role what it
needs on every table, and sets the owner's default privileges so that tables later migrations
create are granted the same way without anyone remembering to.

Without DATABASE_OWNER_URL (one role for everything) nothing is granted: that is the single-role
set-up this module exists to end, and `migrate` says so.
"""

from typing import Any

from django.conf import settings
from django.db import connection

# Tables the application may read and append to, but never change.
APPEND_ONLY_TABLES = ("audit_auditevent",)


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


def _role(cursor: Any, name: str) -> tuple[bool, bool] | None:
    """(superuser, may create roles) of role `name`, or None if it does not exist."""
    cursor.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", [name])
    return cursor.fetchone()


def ensure_app_role(password: str = "") -> str:
    """Create the application's role if it is missing (the owner must be allowed to create
    roles), keep its password in step with DATABASE_URL, and refuse a superuser."""
    from psycopg import sql

    name = app_role()
    with connection.cursor() as cursor:
        found = _role(cursor, name)
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        (may_create,) = cursor.fetchone()
        if found is None:
            if not may_create:
                raise PermissionError(
                    f"the database role {name!r} of DATABASE_URL does not exist, and the owner "
                    "may not create it: create it (LOGIN, no other attribute) and migrate again"
                )
            statement = sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            ).format(sql.Identifier(name))
            if password:
                statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
            cursor.execute(statement.as_string(connection.connection))
            return "created"
        if found[0]:
            raise PermissionError(
                f"the database role {name!r} of DATABASE_URL is a superuser: the application "
                "must connect as a role that is not (docs/security.md, 'Database roles')"
            )
        if password and may_create:
            statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
            cursor.execute(statement.as_string(connection.connection))
    return "present"


def grant_app_role() -> None:
    """Grant the application's role its rights on every table and sequence, now and later."""
    from psycopg import sql

    role = sql.Identifier(app_role())
    statements = [
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(connection.settings_dict["NAME"]), role
        ),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            role
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(role),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
        ).format(role),
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
                sql.Identifier(table), role
            )
        )
        statements.append(
            sql.SQL("REVOKE UPDATE ON SEQUENCE {} FROM {}").format(
                sql.Identifier(f"{table}_id_seq"), role
            )
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(connection.connection))
        # The one function the application calls to run as the owner (services/migrations/
        # 0015_analyze_as_owner.py): fresh statistics after an import.
        cursor.execute("SELECT to_regprocedure('enlace_analyze(regclass)') IS NOT NULL")
        if cursor.fetchone()[0]:
            statement = sql.SQL("GRANT EXECUTE ON FUNCTION enlace_analyze(regclass) TO {}")
            cursor.execute(statement.format(role).as_string(connection.connection))
