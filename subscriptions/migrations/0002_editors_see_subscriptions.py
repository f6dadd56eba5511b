"""Let the Editors group read the subscriptions and their emails in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = ["view_subscription", "view_delivery"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subscriptions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="subscriptions", codename__in=CODENAMES
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="subscriptions", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ("subscriptions", "0001_subscriptions_and_deliveries"),
        ("comments", "0004_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
