"""The editorial roles: Author, Editor and Administrator groups with their permissions.

Permissions are what the server checks; the group names are for people. Other apps add
their own permissions to these groups in a migration of their own (look the group up by
name, `get_or_create`, add the permissions).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_article_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
