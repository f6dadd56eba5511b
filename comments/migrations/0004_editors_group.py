"""Create the "Editors" group: write posts, moderate comments, change the discussion settings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PERMISSIONS = {
    "blog": ["add_post", "change_post", "delete_post", "view_post",
             "view_authorprofile", "change_authorprofile"],
    "comments": ["view_comment", "change_comment", "delete_comment", "can_moderate",
                 "view_discussionsettings", "change_discussionsettings",
                 "view_commentevent", "view_akismetreport"],
}


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations run; a fresh database needs
    # them now.
    for app_label in PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EDITORS)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codenames in PERMISSIONS.items()
        for codename in codenames
    ]
    group.permissions.set(wanted)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blog", "0001_initial"),
        ("comments", "0003_check_error_and_notified_at"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
