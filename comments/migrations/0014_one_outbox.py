"""One outbox (`core.outbox`): the editors' email becomes a ModeratorNotice, reports retry.

A failed email to the editors was two fields on the comment; it moves to a ModeratorNotice
with its attempts and next try before they go. Reports that failed ten times are given up,
as the outbox would have. Editors may see the notices, as they see the reports.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone


QUEUE = ["pending", "awaiting_check"]
REPORT_MAX_ATTEMPTS = 10
CODENAMES = ["view_moderatornotice"]
EDITORS = "Editors"


def carry_failed_notices(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ModeratorNotice = apps.get_model("comments", "ModeratorNotice")
    failed = Comment.objects.filter(
        status__in=QUEUE, notified_at__isnull=True, notify_attempts__gt=0
    ).values_list("pk", "notify_attempts", "next_notify_at")
    now = timezone.now()
    ModeratorNotice.objects.bulk_create(
        ModeratorNotice(
            comment_id=pk,
            state="failed",
            attempts=attempts,
            send_after=next_try or now,
            last_error="Failed before the outbox (see the server log).",
        )
        for pk, attempts, next_try in failed.iterator()
    )
    AkismetReport = apps.get_model("comments", "AkismetReport")
    AkismetReport.objects.filter(state="failed", attempts__gte=REPORT_MAX_ATTEMPTS).update(
        state="gave_up"
    )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(content_type__app_label="comments", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        group.permissions.add(*wanted)


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0013_moderator_notice_retries'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ModeratorNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed, will retry'), ('gave_up', 'Failed, gave up'), ('cancelled', 'Not sent: nothing left to say')], default='queued', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('send_after', models.DateTimeField(default=django.utils.timezone.now, verbose_name='not before')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
            ],
            options={
                'verbose_name': 'email to the editors',
                'verbose_name_plural': 'emails to the editors',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='moderatornotice',
            name='comment',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='moderator_notice', to='comments.comment', verbose_name='comment'),
        ),
        migrations.RunPython(carry_failed_notices, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='akismetreport',
            name='report_state_idx',
        ),
        migrations.RemoveField(
            model_name='comment',
            name='next_notify_at',
        ),
        migrations.RemoveField(
            model_name='comment',
            name='notify_attempts',
        ),
        migrations.AddField(
            model_name='akismetreport',
            name='send_after',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='not before'),
        ),
        migrations.AlterField(
            model_name='akismetreport',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AlterField(
            model_name='akismetreport',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='akismetreport',
            name='last_error',
            field=models.TextField(blank=True, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='akismetreport',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent'),
        ),
        migrations.AlterField(
            model_name='akismetreport',
            name='state',
            field=models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed, will retry'), ('gave_up', 'Failed, gave up'), ('cancelled', 'Not sent: nothing left to say')], default='queued', max_length=10, verbose_name='state'),
        ),
        migrations.AddIndex(
            model_name='akismetreport',
            index=models.Index(fields=['state', 'send_after'], name='report_due_idx'),
        ),
        migrations.AddIndex(
            model_name='moderatornotice',
            index=models.Index(fields=['state', 'send_after'], name='notice_due_idx'),
        ),
    ]
