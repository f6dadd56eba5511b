"""Record editors' uploads of WordPress exports, and let the "Editors" group import (issue 15)."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
CODENAMES = ["add_importrun", "view_importrun"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; the group needs them now.
    app_config = apps.get_app_config("wordpress")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="wordpress", codename__in=CODENAMES
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="wordpress", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('wordpress', '0003_comment_kind_from_imported_type'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded')),
                ('file_name', models.CharField(max_length=255, verbose_name='file')),
                ('file_size', models.PositiveBigIntegerField(verbose_name='size in bytes')),
                ('upload', models.BinaryField(default=b'', verbose_name='uploaded export')),
                ('state', models.CharField(choices=[('waiting', 'Waiting for the worker'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='waiting', max_length=10, verbose_name='state')),
                ('items_read', models.PositiveIntegerField(default=0, verbose_name='items and comments read')),
                ('bytes_read', models.PositiveBigIntegerField(default=0, verbose_name='bytes read')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('result', models.TextField(blank=True, verbose_name='result')),
                ('started_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
            ],
            options={
                'verbose_name': 'import from WordPress',
                'verbose_name_plural': 'imports from WordPress',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
