"""Old links move from the WordPress import to their own app: the table keeps every row.

The model's state moves here while its table stays (`SeparateDatabaseAndState`), and is
then renamed; its content type moves with it, so the Editors group keeps its permissions.
"""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import redirects.validators

EDITORS = "Editors"
CODENAMES = ["add_oldlink", "change_oldlink", "delete_oldlink", "view_oldlink"]


def move_content_type(apps, schema_editor, source="wordpress", target="redirects"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="oldlink").exists():
        ContentType.objects.filter(app_label=source, model="oldlink").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="redirects", target="wordpress")


def editors_keep_old_links(apps, schema_editor):
    # Permissions are normally created after all migrations run; a fresh database needs
    # them now.
    app_config = apps.get_app_config("redirects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="redirects", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blog", "0012_post_body_help_names_image_origins"),
        ("wordpress", "0011_import_runs_bring_images"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OldLink",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("old_path", models.CharField(help_text="Path and query only, such as /2012/01/03/slug/ or /?p=12.", max_length=500, unique=True, verbose_name="old address")),
                        ("new_path", models.CharField(blank=True, help_text="Used when no post is chosen: a path on this site, such as /about/.", max_length=500, validators=[redirects.validators.validate_site_path], verbose_name="new address")),
                        ("post", models.ForeignKey(blank=True, help_text="The post or page it now is; its address follows any later change.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="old_links", to="blog.post")),
                    ],
                    options={
                        "verbose_name": "old link",
                        "verbose_name_plural": "old links",
                        "ordering": ["old_path"],
                        "db_table": "wordpress_oldlink",
                    },
                ),
            ],
        ),
        # The table takes the app's name: redirects_oldlink.
        migrations.AlterModelTable(name="oldlink", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.RunPython(editors_keep_old_links, migrations.RunPython.noop),
    ]
