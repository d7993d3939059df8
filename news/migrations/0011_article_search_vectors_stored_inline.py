"""Keep an article's search vectors in its row, not in the TOAST table (PostgreSQL only).

A search reads the vector of each of the newest matching articles twice (the match, then
the rank). Stored out of line, each read is a lookup in the TOAST index and a copy of the
chunks: most of the ranking query's time. `STORAGE MAIN` keeps the vectors in the row
unless the row could not fit a page otherwise. PostgreSQL moves the other long values out
(largest first) until the row is under `toast_tuple_target`; at the default (2 KB) a row
with its vectors never is, and it would push out even the title, the slug and the lead.
At a page's worth, the long texts (body, note, their folded copies) go out first, and the
short columns stay beside the vectors (a release's two vectors are 2-7 KB).

This changes the catalog only (a brief lock, given up after `LOCK_TIMEOUT` rather than
queueing every reader behind it: run the migration again then). Rows written from now on
are stored this way; migration 0012 moves the vectors of the rows already there. Nothing
changes on other databases, which have no vectors.
"""

from django.db import migrations

VECTORS = ("search_ru", "search_en")
# Bytes: the largest PostgreSQL allows, a row that fills a page.
TOAST_TUPLE_TARGET = 8160
LOCK_TIMEOUT = "10s"


def _alter(schema_editor, storage: str, options: str) -> None:
    table = schema_editor.quote_name("news_article")
    schema_editor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    schema_editor.execute(
        f"ALTER TABLE {table} "
        + ", ".join(
            f"ALTER COLUMN {schema_editor.quote_name(name)} SET STORAGE {storage}"
            for name in VECTORS
        )
        + f", {options}"
    )


def keep_inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _alter(schema_editor, "MAIN", f"SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")


def store_as_before(apps, schema_editor):
    """Back to PostgreSQL's defaults; vectors already in rows stay there, which is harmless."""
    if schema_editor.connection.vendor == "postgresql":
        _alter(schema_editor, "EXTENDED", "RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_article_history_outlives_deletion"),
    ]

    operations = [
        migrations.RunPython(keep_inline, store_as_before, elidable=False),
    ]
