"""Let the "Editors" group manage categories, tags and old links (issue 15)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PERMISSIONS = {
    "blog": ["add_category", "change_category", "delete_category", "view_category"],
    "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag"],
    "wordpress": ["add_oldlink", "change_oldlink", "delete_oldlink", "view_oldlink",
                  "view_importeditem"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; a fresh database needs
    # them now.
    for app_label in PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is None:
        return
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codenames in PERMISSIONS.items()
            for codename in codenames
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label__in=PERMISSIONS,
                codename__in=[c for codenames in PERMISSIONS.values() for c in codenames],
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("comments", "0004_editors_group"),
        ("wordpress", "0001_imported_items_and_old_links"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
