from django.db import migrations

# The task workers' watch (core/workers.py) looks for running tasks every few seconds; the
# queue's table keeps every finished task, so without this it would read them all each time.
CREATE = (
    "CREATE INDEX IF NOT EXISTS core_running_tasks_idx"
    " ON django_tasks_database_dbtaskresult (started_at) WHERE status = 'RUNNING'"
)
DROP = "DROP INDEX IF EXISTS core_running_tasks_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_recurring_schedule"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
