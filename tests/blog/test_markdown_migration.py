import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog.models import Post
from tests.factories import UserFactory

BEFORE = ("blog", "0002_authorprofile_updated_at")


@pytest.mark.django_db(transaction=True)
def test_existing_plain_text_posts_are_converted_and_read_the_same():
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldPost = old_apps.get_model("blog", "Post")
        OldPost.objects.create(
            title="Old",
            slug="old",
            author_id=UserFactory().pk,
            body="1. Not a list *at all*\n<b>as typed</b>\n\nSecond paragraph",
            status="published",
            published_at=timezone.now(),
        )
    finally:
        call_command("migrate", verbosity=0)
    post = Post.objects.get(slug="old")
    assert post.body == "1\\. Not a list \\*at all\\*\n\\<b\\>as typed\\</b\\>\n\nSecond paragraph"
    assert post.body_html == (
        "<p>1. Not a list *at all*<br>\n&lt;b&gt;as typed&lt;/b&gt;</p>\n<p>Second paragraph</p>\n"
    )
