"""Exclusion constraints that only PostgreSQL has (a no-op on SQLite).

They are not in the models' Meta.constraints because Django's ExclusionConstraint works
on PostgreSQL only; on every database the same rules are checked in Session.clean() and
Term.clean().
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINTS = [
    (
        "committees_session",
        "committees_session_numbers_no_overlap",
        # A body's numbers never overlap: 139/140 excludes a separate 140th. Phases carry
        # no number and are left out.
        "EXCLUDE USING gist (body_id WITH =, "
        "int4range(number, COALESCE(second_number, number), '[]') WITH &&) "
        "WHERE (number IS NOT NULL)",
    ),
    (
        "committees_term",
        "committees_term_seat_no_overlap",
        # No two terms in the same seat of a post share a day. Terms are half-open
        # [start, end): a term ending on the day its successor's begins does not overlap.
        # Deferrable so that services.term_save() can move terms between seats.
        "EXCLUDE USING gist (post_id WITH =, seat WITH =, "
        "daterange(start_date, end_date, '[)') WITH &&) DEFERRABLE INITIALLY IMMEDIATE",
    ),
]


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_bodies_sessions_people_terms"),
    ]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        BtreeGistExtension(),
        migrations.RunPython(add_constraints, drop_constraints, elidable=False),
    ]
