from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_old_numbers(apps, schema_editor):
    """Give comments imported before their old number was a field of theirs that number."""
    ImportedItem = apps.get_model("wordpress", "ImportedItem")
    Comment = apps.get_model("comments", "Comment")
    wp_id = ImportedItem.objects.filter(kind="comment", object_id=OuterRef("pk")).values("wp_id")
    Comment.objects.filter(old_number__isnull=True).update(old_number=Subquery(wp_id[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0006_import_runs_end_one_at_a_time"),
        ("comments", "0011_old_comment_numbers"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="importeditem", name="imported_item_unique"),
        migrations.AddField(
            model_name="importeditem",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="old site"),
        ),
        migrations.AddConstraint(
            model_name="importeditem",
            constraint=models.UniqueConstraint(
                fields=("source", "kind", "wp_id"), name="imported_item_unique_per_site"
            ),
        ),
        migrations.RunPython(keep_old_numbers, migrations.RunPython.noop),
    ]
