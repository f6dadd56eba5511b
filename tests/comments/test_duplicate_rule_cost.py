"""The duplicate rule reads the author's earlier comments through indexes, never the thread.

A post with thousands of comments: PostgreSQL's plan for the rule, once the table's
statistics are fresh, finds the same author's rows by index and scans none of the post's.
"""

import pytest
from django.db import connection

from comments.intake import policy
from comments.models import Comment, Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

THREAD = 5000


@pytest.fixture
def long_thread():
    post = PostFactory(title="Selling vs. Marketing")
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=f"Reader {n % 700}",
            author_email=f"reader{n % 700}@example.com",
            content=f"Comment number {n} on selling and marketing.",
            ip_address="203.0.113.7",
            status=Status.APPROVED,
        )
        for n in range(THREAD)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return post


def test_the_duplicate_rule_on_a_long_thread_reads_indexes_not_the_thread(long_thread):
    comment = CommentFactory.build(
        post=long_thread,
        author_name="Reader 7",
        author_email="READER7@example.com",
        content="Comment number 7 on selling and marketing.",
    )

    plan = policy.earlier_copies(comment).explain()

    assert "Seq Scan" not in plan, plan
    assert "comment_post_author_idx" in plan, plan
    assert "comment_email_upper_idx" in plan, plan
    # A post's own index read alone would visit every comment of the thread.
    assert "comment_post_status_idx" not in plan, plan
    assert policy.is_duplicate(comment)
    comment.author_name, comment.author_email = "Someone Else", "else@example.com"
    assert not policy.is_duplicate(comment)
