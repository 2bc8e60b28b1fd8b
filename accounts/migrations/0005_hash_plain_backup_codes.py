"""Backup codes made before they were hashed: each plain django-otp StaticToken becomes the keyed
hash of the same code on the member's BackupCodeDevice, and the plain rows are deleted, so the
codes members wrote down keep working and nothing readable stays in the database.

Irreversible in effect: going back leaves members without backup codes (their authenticator
still works and new codes can be made), because the plain codes cannot be recovered.
"""

from django.db import migrations

from accounts.backup_codes import hash_code


def hash_plain_codes(apps, schema_editor):  # noqa: ANN001, ANN201  (migration signature)
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    BackupCodeDevice = apps.get_model("accounts", "BackupCodeDevice")
    BackupCode = apps.get_model("accounts", "BackupCode")
    # Few rows (one device per staff member, ten codes each): per device is fine.
    for old in StaticDevice.objects.all().order_by("pk"):
        new = BackupCodeDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
        )
        # auto_now_add set it to now; the member's codes are as old as they were.
        BackupCodeDevice.objects.filter(pk=new.pk).update(created_at=old.created_at)
        tokens = StaticToken.objects.filter(device_id=old.pk).values_list("token", flat=True)
        BackupCode.objects.bulk_create(
            BackupCode(device_id=new.pk, code_hash=hash_code(token)) for token in tokens
        )
    StaticDevice.objects.all().delete()  # cascades to every plain StaticToken


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_backup_code_device"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
