"""The editorial roles: Author, Editor and Administrator groups with their permissions.

Permissions are what the server checks; the group names are for people. Other apps add
their own permissions to these groups in a migration of their own, with
`committees.roles.grant()` (news 0009 photos, committees 0005 the WCO registry).
"""

from django.db import migrations

from committees.roles import grant

AUTHOR = [
    "news.add_article",
    "news.change_article",
    "news.view_article",
    "news.view_rubric",
    "news.view_topic",
]
EDITOR = [
    *AUTHOR,
    "news.change_any_article",
    "news.review_article",
    "news.publish_article",
    "news.withdraw_article",
    "news.preview_article",
    "news.view_previewlink",
    "news.add_rubric",
    "news.change_rubric",
    "news.add_topic",
    "news.change_topic",
]
ADMINISTRATOR = [
    *EDITOR,
    "news.delete_article",
    "news.delete_rubric",
    "news.delete_topic",
    "news.view_pressreleasecounter",
    "news.change_pressreleasecounter",
    "news.add_pressreleasecounter",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
]
ROLES = {"Author": AUTHOR, "Editor": EDITOR, "Administrator": ADMINISTRATOR}


def create_roles(apps, schema_editor):
    grant(apps, ROLES)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_article_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
