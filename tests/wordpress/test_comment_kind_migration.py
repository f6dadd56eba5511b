import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment
from tests.factories import PostFactory

BEFORE = [("wordpress", "0002_editors_manage_categories_tags_and_old_links")]
COMMENTS = ("comments", "0009_comment_kind")


@pytest.mark.django_db(transaction=True)
def test_pings_imported_before_comments_had_a_kind_become_pings():
    post = PostFactory()
    call_command("migrate", *BEFORE[0], verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state([*BEFORE, COMMENTS]).apps
        OldComment = old_apps.get_model("comments", "Comment")
        ImportedItem = old_apps.get_model("wordpress", "ImportedItem")
        made = {}
        for wp_id, wp_type in [(1, ""), (2, "pingback"), (3, "trackback")]:
            comment = OldComment.objects.create(
                post_id=post.pk, author_name="A", author_email="", content="Text"
            )
            ImportedItem.objects.create(
                kind="comment", wp_id=wp_id, object_id=comment.pk, wp_type=wp_type
            )
            made[wp_type] = comment.pk
        typed_here = OldComment.objects.create(
            post_id=post.pk, author_name="B", author_email="", content="Typed here"
        )
    finally:
        call_command("migrate", verbosity=0)

    assert Comment.objects.get(pk=made[""]).kind == Comment.Kind.COMMENT
    assert Comment.objects.get(pk=made["pingback"]).kind == Comment.Kind.PINGBACK
    assert Comment.objects.get(pk=made["trackback"]).kind == Comment.Kind.TRACKBACK
    assert Comment.objects.get(pk=typed_here.pk).kind == Comment.Kind.COMMENT
