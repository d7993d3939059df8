"""Move the search vectors of existing articles into their rows (PostgreSQL only).

Migration 0011 changed how vectors are stored; a vector already out of line stays there
until it is written again. Each is written anew (`vector || ''`, the same value), a
thousand rows a transaction, so that pages and searches keep working meanwhile and no
single transaction holds the whole table. Run `VACUUM (ANALYZE) news_article` afterwards
to reclaim the old copies at once.
"""

from django.db import migrations

BATCH = 1000


def move_vectors(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("news_article")
    columns = [schema_editor.quote_name(name) for name in ("search_ru", "search_en")]
    rewrite = (
        f"UPDATE {table} SET "
        + ", ".join(f"{column} = {column} || ''::tsvector" for column in columns)
        + " WHERE id > %s AND id <= %s AND ("
        + " OR ".join(f"{column} IS NOT NULL" for column in columns)
        + ")"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM {table}")
        first, last = cursor.fetchone()
        start = first - 1
        while start < last:
            cursor.execute(rewrite, [start, start + BATCH])
            start += BATCH


class Migration(migrations.Migration):
    # Each batch commits on its own (outside a transaction of the whole migration).
    atomic = False

    dependencies = [
        ("news", "0011_article_search_vectors_stored_inline"),
    ]

    operations = [
        migrations.RunPython(move_vectors, migrations.RunPython.noop, elidable=False),
    ]
