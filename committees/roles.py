"""Giving the editorial roles (groups, by name) the permissions an app's models need.

The groups are made by news' `0006_editorial_roles` migration; each app adds its own
permissions in a migration of its own with `grant()`, so that committees need not import
news. Permissions are what the server checks; the group names are for people.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, roles: dict[str, list[str]]) -> None:
    """Add to each group named in `roles` its permissions ("app_label.codename")."""
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, roles: dict[str, list[str]]) -> None:
    """Undo `grant()`: take the permissions named back from the groups."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in roles.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


def granting(roles: dict[str, list[str]]) -> migrations.RunPython:
    """The migration operation that grants `roles` (and takes them back when reversed)."""
    return migrations.RunPython(
        lambda apps, schema_editor: grant(apps, roles),
        lambda apps, schema_editor: revoke(apps, roles),
    )
