"""The editorial roles and the WCO registry. Authors see it (to link an article to a body,
session or person); editors keep it: bodies, sessions, people, posts, terms of office and
delegations, correcting a term or a delegation included; administrators may delete."""

from django.db import migrations

from committees.roles import granting

MODELS = ["body", "session", "person", "post", "term", "delegation"]
AUTHOR = [f"committees.view_{model}" for model in MODELS]
EDITOR = [
    *AUTHOR,
    *(f"committees.{action}_{model}" for action in ("add", "change") for model in MODELS),
    "committees.delete_term",
    "committees.delete_delegation",
]
ADMINISTRATOR = [*EDITOR, *(f"committees.delete_{model}" for model in MODELS)]
ROLES = {"Author": AUTHOR, "Editor": EDITOR, "Administrator": ADMINISTRATOR}


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0004_search_columns"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [granting(ROLES)]
