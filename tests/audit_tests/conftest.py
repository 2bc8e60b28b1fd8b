from contextlib import contextmanager

from django.db import connection


@contextmanager
def tampering():
    """What someone with the database's superuser could do: switch the append-only triggers off.
    Inside a test's transaction, so it is undone with the test."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield connection.cursor()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
