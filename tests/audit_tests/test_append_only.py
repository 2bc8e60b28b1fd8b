"""The database refuses to change, remove or empty audit events, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction

import audit
from audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(db):
    return audit.record(actor=None, action="accounts.probe")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'accounts.forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_sql_updates_and_deletes_are_refused(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "accounts.probe"


def test_truncate_is_refused_without_the_test_suites_opt_in(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL enlace.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused_to_a_role_that_is_not_superuser_even_with_the_opt_in(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("CREATE ROLE enlace_app_probe")
        cursor.execute("GRANT ALL ON audit_auditevent TO enlace_app_probe")
        cursor.execute("SET LOCAL ROLE enlace_app_probe")
        cursor.execute("SET LOCAL enlace.allow_audit_truncate = 'on'")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_refuses_too(event):
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="accounts.forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
