"""Columns for the site search, and their GIN indexes on PostgreSQL (a no-op on SQLite).

The values are written by fcs_site, which owns the search (fcs_site/committees_index.py);
its migration 0001_index_committees_for_search fills the rows that exist. The indexes are
not in the models' Meta.indexes because a GIN index exists on PostgreSQL only (news keeps
its own PostgreSQL-only index class, which committees does not import).
"""

import django.contrib.postgres.search
from django.db import migrations, models

GIN_INDEXES = [
    (f"committees_{model}", f"committees_{model}_search_{language}", f"search_{language}")
    for model in ("body", "session", "person")
    for language in ("ru", "en")
]


def add_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, column in GIN_INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({column})")


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in GIN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0003_registry_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="body",
            name="search_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="body",
            name="search_ru",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="body",
            name="search_text_en",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="body",
            name="search_text_ru",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="search_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="search_ru",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="search_text_en",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="search_text_ru",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="session",
            name="search_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="session",
            name="search_ru",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="session",
            name="search_text_en",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="session",
            name="search_text_ru",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(add_gin_indexes, drop_gin_indexes, elidable=False),
    ]
