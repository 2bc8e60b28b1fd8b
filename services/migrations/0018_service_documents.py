"""services_servicedocument: each public service's API list item per content language
(services/search/documents.py), deleted by the database with its service however that service is
deleted (a raw DELETE, a cascade from its organisation), like the search row."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0017_children_taken'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceDocument',
            fields=[
                ('pk', models.CompositePrimaryKey('service', 'lang', blank=True, editable=False, primary_key=True, serialize=False)),
                ('lang', models.CharField(max_length=5)),
                ('body', models.TextField()),
                ('hours', models.JSONField(null=True)),
                ('changed_at', models.DateTimeField(null=True)),
                ('service_modified', models.DateTimeField()),
                ('service', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='services.service')),
            ],
        ),
        migrations.RunSQL(
            "ALTER TABLE services_servicedocument ADD CONSTRAINT servicedocument_service_fk"
            " FOREIGN KEY (service_id) REFERENCES services_service (id)"
            " ON DELETE CASCADE ON UPDATE CASCADE;",
            "ALTER TABLE services_servicedocument DROP CONSTRAINT servicedocument_service_fk;",
        ),
    ]
