"""The duplicate and flood rules read earlier comments through indexes, never the thread.

A post with thousands of comments: PostgreSQL's plan for the rule, once the table's
statistics are fresh, finds the same author's rows by index and scans none of the post's.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

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
            # A long thread was written over days: none of it is within the flood window.
            submitted_at=timezone.now() - timedelta(days=2, seconds=n),
        )
        for n in range(THREAD)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return post


def plan_of(rule) -> str:
    """Return PostgreSQL's plan for the one statement `rule()` runs."""
    ran = []

    def record(execute, sql, params, many, context):
        ran.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        rule()
    [(sql, params)] = ran
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_duplicate_and_flood_rules_on_a_long_thread_read_indexes_not_the_thread(long_thread):
    comment = CommentFactory.build(
        post=long_thread,
        author_name="Reader 7",
        author_email="READER7@example.com",
        content="Comment number 7 on selling and marketing.",
    )

    plan = plan_of(lambda: policy.repeated(comment))

    assert "Seq Scan" not in plan, plan
    assert "comment_post_author_idx" in plan, plan
    assert "comment_email_upper_idx" in plan, plan
    # A post's own index read alone would visit every comment of the thread.
    assert "comment_post_status_idx" not in plan, plan
    assert policy.repeated(comment) == policy.DUPLICATE
    comment.author_name, comment.author_email = "Someone Else", "else@example.com"
    assert policy.repeated(comment) == ""
