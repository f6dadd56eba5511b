"""Move WordPress's comment type from the import record onto the comment (issue 15).

Pings imported before comments had a `kind` were recorded only as `ImportedItem.wp_type`;
they become pingbacks and trackbacks on the comment itself, and the copy goes.
"""

from django.db import migrations

PINGS = ("pingback", "trackback")


def kind_from_wp_type(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ImportedItem = apps.get_model("wordpress", "ImportedItem")
    for kind in PINGS:
        imported = ImportedItem.objects.filter(kind="comment", wp_type=kind)
        Comment.objects.filter(pk__in=imported.values("object_id")).update(kind=kind)


def wp_type_from_kind(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ImportedItem = apps.get_model("wordpress", "ImportedItem")
    for kind in PINGS:
        pings = Comment.objects.filter(kind=kind)
        ImportedItem.objects.filter(kind="comment", object_id__in=pings.values("pk")).update(
            wp_type=kind
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_kind"),
        ("wordpress", "0002_editors_manage_categories_tags_and_old_links"),
    ]

    operations = [
        migrations.RunPython(kind_from_wp_type, wp_type_from_kind),
        migrations.RemoveField(model_name="importeditem", name="wp_type"),
    ]
