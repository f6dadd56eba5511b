"""The editors' chat: a webhook URL in the discussion settings, and its outbox messages.

Editors may see the messages, as they see the editors' email.
"""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CODENAMES = ["view_webhooknotice"]
EDITORS = "Editors"


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
        ('comments', '0016_reader_reports'),
    ]

    operations = [
        migrations.AddField(
            model_name='discussionsettings',
            name='moderation_webhook_url',
            field=models.URLField(blank=True, help_text="A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's /slack address): each comment held for review is posted there, retried like the editors' email. Empty: email only.", max_length=500, verbose_name="Also tell the editors' chat (incoming webhook URL)"),
        ),
        migrations.CreateModel(
            name='WebhookNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed, will retry'), ('gave_up', 'Failed, gave up'), ('cancelled', 'Not sent: nothing left to say')], default='queued', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('send_after', models.DateTimeField(default=django.utils.timezone.now, verbose_name='not before')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('comment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_notice', to='comments.comment', verbose_name='comment')),
            ],
            options={
                'verbose_name': "message to the editors' chat",
                'verbose_name_plural': "messages to the editors' chat",
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['state', 'send_after'], name='webhook_due_idx')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
