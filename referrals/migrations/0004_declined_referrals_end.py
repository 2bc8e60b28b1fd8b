"""Declined referrals get the end they lacked (the time they were declined), so that retention,
which reduces referrals by when they ended, reduces them too instead of keeping them for ever."""

from django.db import migrations
from django.db.models import F


def end_declined(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status="declined", closed_at__isnull=True).update(
        closed_at=F("responded_at")
    )
    # A declined referral always has responded_at; should one not, its last update stands in.
    Referral.objects.filter(status="declined", closed_at__isnull=True).update(
        closed_at=F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_referral_count_cells")]

    operations = [migrations.RunPython(end_declined, migrations.RunPython.noop)]
