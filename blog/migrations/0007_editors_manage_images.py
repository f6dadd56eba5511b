"""Let the "Editors" group (comments/migrations/0004) upload and manage images."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = ["add_image", "change_image", "delete_image", "view_image"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("blog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is None:
        return
    Permission = apps.get_model("auth", "Permission")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="blog", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is not None:
        Permission = apps.get_model("auth", "Permission")
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="blog", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0006_images"),
        # The group is made there, with a fixed set of permissions: add to it afterwards.
        ("comments", "0004_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
