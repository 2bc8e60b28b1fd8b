"""services_servicedocument.card: the service's result card in the row's language, cut where the
per-request values go (services/search/documents.py). Empty until the next refresh or
`build_documents`; a document without one is drawn from the models."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0018_service_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='servicedocument',
            name='card',
            field=models.JSONField(null=True),
        ),
    ]
