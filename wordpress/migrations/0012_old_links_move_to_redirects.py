"""Old links belong to the redirects app now; their table stays (redirects 0001 takes it)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("wordpress", "0011_import_runs_bring_images"),
        ("redirects", "0001_old_links_move_from_wordpress"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OldLink")],
        ),
    ]
