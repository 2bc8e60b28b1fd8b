"""Backup codes are kept only as keyed hashes: whoever reads the database (a backup, an
operator's query) learns no code, and every code still signs in once, is throttled when wrong,
and dies when new codes are made."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import BackupCode, BackupCodeDevice
from accounts.views.auth import _new_backup_codes
from audit.models import AuditEvent
from tests.accounts_tests.conftest import password_step, with_password
from tests.factories import second_factor


@pytest.fixture
def alice_codes(alice):
    with_password(alice)
    second_factor(alice)
    return _new_backup_codes(alice)


def _use(client, code: str, **extra):
    return client.post(reverse("accounts:two_factor"), {"code": code}, **extra)


def _tables_holding(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(
                f'SELECT 1 FROM "{table}" AS r WHERE r::text ILIKE %s LIMIT 1',  # noqa: S608  # nosec B608
                [f"%{text}%"],
            )
            if cursor.fetchone():
                found.append(table)
    return found


def test_no_backup_code_can_be_read_from_any_table(alice_codes, alice):
    assert BackupCode.objects.filter(device__user=alice).count() == 10
    for code in alice_codes:
        assert _tables_holding(code) == [], code


def test_a_backup_code_signs_in_once_audited_as_a_backup_code_with_the_count_left(
    client, alice_codes, alice
):
    password_step(client, "alice")
    # Typed as people type them: capitals and a space.
    code = alice_codes[3]
    response = _use(client, f"{code[:4].upper()} {code[4:]}", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "9" in shown
    event = AuditEvent.objects.filter(action="accounts.signed_in").get()
    assert event.actor_id == alice.pk and event.details == {"factor": "backup_code"}
    status = client.get(reverse("accounts:backup_codes"))
    assert status.context["left"] == 9

    again = client.__class__()
    password_step(again, "alice")
    assert _use(again, code).status_code == 200
    assert again.get(reverse("accounts:dashboard")).status_code == 302


def test_new_codes_replace_every_old_one(client, alice_codes, alice):
    password_step(client, "alice")
    _use(client, alice_codes[0])
    page = client.post(reverse("accounts:backup_codes"), {"confirm": "1"})
    assert page.status_code == 200
    new_codes = page.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(alice_codes)
    assert BackupCodeDevice.objects.filter(user=alice).count() == 1

    other = client.__class__()
    password_step(other, "alice")
    assert _use(other, alice_codes[1]).status_code == 200
    BackupCodeDevice.objects.filter(user=alice).update(throttling_failure_count=0)
    assert _use(other, new_codes[1]).status_code == 302


def test_new_codes_are_made_only_with_the_box_ticked_and_the_old_ones_keep_working(
    client, alice_codes, alice
):
    password_step(client, "alice")
    _use(client, alice_codes[0])
    before = sorted(
        BackupCode.objects.filter(device__user=alice).values_list("code_hash", flat=True)
    )
    page = client.post(reverse("accounts:backup_codes"), follow=True)
    assert "Marca la casilla" in page.content.decode()
    assert "codes" not in page.context or not page.context.get("codes")
    after = sorted(
        BackupCode.objects.filter(device__user=alice).values_list("code_hash", flat=True)
    )
    assert after == before
    assert not AuditEvent.objects.filter(action="accounts.backup_codes_created").exists()


def test_a_wrong_backup_code_is_refused_audited_and_throttles_the_right_one(
    client, alice_codes, alice
):
    password_step(client, "alice")
    assert _use(client, "zzzzzzzz").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.second_factor_failed").count() == 1
    # Right after a failure even a right code waits, and is not used up by the refusal.
    refused = _use(client, alice_codes[0])
    assert refused.status_code == 200
    assert "zzzzzzzz" not in refused.content.decode()
    assert BackupCode.objects.filter(device__user=alice).count() == 10
    BackupCodeDevice.objects.filter(user=alice).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
    assert _use(client, alice_codes[0]).status_code == 302
    assert BackupCodeDevice.objects.get(user=alice).throttling_failure_count == 0


def test_the_stored_hash_is_keyed_and_survives_a_key_rotation(client, alice_codes, settings):
    old_key = settings.SECRET_KEY
    with override_settings(SECRET_KEY="another-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
        password_step(client, "alice")
        assert _use(client, alice_codes[0]).status_code == 200
    BackupCodeDevice.objects.update(throttling_failure_count=0)
    with override_settings(SECRET_KEY="another-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old_key]):
        assert _use(client, alice_codes[0]).status_code == 302


def test_the_migration_hashes_codes_that_were_stored_plain(client, alice):
    with_password(alice)
    second_factor(alice)
    failed_at = timezone.now() - timedelta(hours=1)
    old = StaticDevice.objects.create(
        user=alice,
        name="Backup codes",
        confirmed=True,
        throttling_failure_count=2,
        throttling_failure_timestamp=failed_at,
    )
    plain = [StaticToken.random_token() for _ in range(3)]
    StaticToken.objects.bulk_create(StaticToken(device=old, token=code) for code in plain)
    # The probe finds a code where one is stored plain.
    assert _tables_holding(plain[0]) == [StaticToken._meta.db_table]

    migration = importlib.import_module("accounts.migrations.0005_hash_plain_backup_codes")
    migration.hash_plain_codes(django_apps, connection.schema_editor())

    assert not StaticDevice.objects.exists() and not StaticToken.objects.exists()
    device = BackupCodeDevice.objects.get(user=alice)
    assert device.throttling_failure_count == 2 and device.confirmed
    assert device.codes.count() == 3
    for code in plain:
        assert _tables_holding(code) == [], code
    # The codes the member wrote down still work, once each.
    password_step(client, "alice")
    assert _use(client, plain[1]).status_code == 302
    assert device.codes.count() == 2
