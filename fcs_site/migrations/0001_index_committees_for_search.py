# Fills the site-search columns of the bodies, sessions and people that existed before them.

from django.db import migrations

from fcs_site import committees_index


def index_committees(apps, schema_editor):
    committees_index.reindex_committees(
        using=schema_editor.connection.alias,
        body_model=apps.get_model("committees", "Body"),
        session_model=apps.get_model("committees", "Session"),
        person_model=apps.get_model("committees", "Person"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0004_search_columns"),
    ]

    operations = [
        migrations.RunPython(index_committees, migrations.RunPython.noop),
    ]
