from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0014_one_outbox"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["post", "author_name"], name="comment_post_author_idx"),
        ),
    ]
