from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RecurringTask",
            fields=[
                (
                    "path",
                    models.CharField(
                        max_length=200, primary_key=True, serialize=False, verbose_name="task"
                    ),
                ),
                ("next_run_at", models.DateTimeField(verbose_name="next run")),
            ],
            options={
                "verbose_name": "recurring task",
                "verbose_name_plural": "recurring tasks",
            },
        ),
    ]
