"""Numbers stored as typed become E.164, read with their owner's country. Those that cannot be
read stay as they are; the migration names them, drops the stored public documents (built
from the rows again until `build_documents`), and `manage.py phones_to_fix` and the admin's
"number format" filter list them until a steward corrects them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from services import phones

    changed, unreadable = phones.normalise_stored(apps.get_model("services", "Phone"))
    if changed:
        # The stored public documents copy numbers as they were: drop them, so that items are
        # built from the rows until `manage.py build_documents` (or the next refresh) redoes them.
        schema_editor.execute("DELETE FROM services_servicedocument")
    if unreadable:
        print(  # noqa: T201 — a migration's only channel to the person running it
            f"\n  {changed} phone numbers normalised; {len(unreadable)} could not be read and "
            "were left as they are (list them: manage.py phones_to_fix):"
        )
        for pk, number in unreadable[:50]:
            print(f"    {pk}  {number}")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [("services", "0019_servicedocument_card")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
