"""Events name the chain key their hash is an HMAC under; existing events keep an empty key id
and their plain SHA-256 (audit.chain verifies both; an unkeyed event after a keyed one is a
break). Adding a column with a constant default rewrites no row, so the append-only triggers
are not involved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, db_default="", max_length=16, verbose_name="chain key"),
        ),
    ]
