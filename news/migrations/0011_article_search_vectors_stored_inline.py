"""Keep an article's search vectors in its row, not in the TOAST table (PostgreSQL only).

A search reads the vector of each of the newest matching articles twice (the match, then
the rank). Stored out of line, each read is a lookup in the TOAST index and a copy of the
chunks: most of the ranking query's time. `STORAGE MAIN` keeps the vectors in the row
unless the row could not fit a page otherwise; `toast_tuple_target` lets a row with its
two vectors (about 3 KB for a typical release) stay in the heap, while the long texts
(body, note, their folded copies) still go out of line first, as before.

Existing rows are rewritten once so that their vectors move in; rows saved later are
stored that way anyway. Nothing changes on other databases, which have no vectors.
"""

from django.db import migrations

VECTORS = ("search_ru", "search_en")
# Bytes: half a page, the heap's share of a row before PostgreSQL moves its long texts out.
TOAST_TUPLE_TARGET = 4080


def keep_inline(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("news_article")
    columns = [schema_editor.quote_name(name) for name in VECTORS]
    schema_editor.execute(
        f"ALTER TABLE {table} "
        + ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in columns)
    )
    schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")
    # A vector left as it is keeps its place out of line: each is written anew.
    schema_editor.execute(
        f"UPDATE {table} SET "
        + ", ".join(f"{column} = {column} || ''::tsvector" for column in columns)
        + " WHERE "
        + " OR ".join(f"{column} IS NOT NULL" for column in columns)
    )


def store_as_before(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("news_article")
    schema_editor.execute(
        f"ALTER TABLE {table} "
        + ", ".join(
            f"ALTER COLUMN {schema_editor.quote_name(name)} SET STORAGE EXTENDED"
            for name in VECTORS
        )
    )
    schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_article_history_outlives_deletion"),
    ]

    operations = [
        migrations.RunPython(keep_inline, store_as_before, elidable=False),
    ]
