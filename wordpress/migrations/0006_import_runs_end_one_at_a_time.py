"""Imports that end when their worker is gone, one at a time, deletable by editors (issue 19)."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
CODENAMES = ["delete_importrun"]


def one_running(apps, schema_editor):
    # Runs left "Running" by an older release had no heartbeat: date it from their start, so
    # the sweep fails them once stale; of several, only the newest may stay running.
    ImportRun = apps.get_model("wordpress", "ImportRun")
    running = ImportRun.objects.filter(state="running")
    for run in running.order_by("-pk")[1:]:
        run.state = "failed"
        run.result = "Another import was running at the same time; nothing was stored."
        run.save(update_fields=["state", "result"])
    running.filter(heartbeat_at__isnull=True).update(heartbeat_at=models.F("started_at"))


def grant(apps, schema_editor):
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
        ('wordpress', '0005_old_links_stay_on_this_site'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='importrun',
            name='attempt',
            field=models.PositiveIntegerField(default=1, verbose_name='attempt'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sign of life'),
        ),
        migrations.RunPython(one_running, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='importrun',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'running')), fields=('state',), name='one_running_import'),
        ),
        migrations.RunPython(grant, revoke),
    ]
