"""The benchmark's data set, loaded with set-based SQL (INSERT ... SELECT generate_series).

200 posts; on the other 199, 50,000 approved comments; across all 200, 100,000 spam and
10,000 pending comments with their Akismet events; and on the seed article, approved comments
threaded up to depth 5, grown in stages (10, then 200, then 2,000).
"""

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from blog.markup import render_markdown
from blog.models import Post
from comments.models import Comment, CommentEvent, DailyCount, tell_posts_comments_changed

SEED_SLUG = "selling-vs-marketing"
OTHER_POSTS = 199
APPROVED_ELSEWHERE = 50_000
SPAM = 100_000
PENDING = 10_000
BODY = "\n\n".join(
    f"Paragraph {n} of a post about customers, markets and the sales that follow. " * 4
    for n in range(1, 7)
)


def insert_select(model, values: dict, source: str, params=()) -> int:
    """INSERT every column of `model` FROM `source`: the SQL in `values`, else the default.

    A value is an SQL expression, or a parameter wrapped in a one-element list.
    """
    columns, expressions, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        expression = values.get(field.name, values.get(field.attname))
        if expression is None:
            # A column this loader does not know (added later) still gets its model default.
            expressions.append("%s")
            args.append(field.get_db_prep_save(field.get_default(), connection))
        elif isinstance(expression, list):
            expressions.append("%s")
            args.extend(expression)
        else:
            expressions.append(expression)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params])
        return cursor.rowcount


def comment_values(status: str, verdict: str, submitted_at: str, post_id: str) -> dict:
    return {
        "post": post_id,
        "parent": "NULL",
        "user": "NULL",
        "author_name": "'Reader ' || (i %% 7919)",
        "author_email": "'reader' || (i %% 7919) || '@example.com'",
        "author_url": "''",
        "content": (
            "'Comment ' || i || ': I found this useful, especially the part about "
            "marketing first.\n\nThanks for writing it.'"
        ),
        "ip_address": "('10.' || (i %% 250) || '.' || (i / 250 %% 250) || '.' || (i %% 199))::inet",
        "user_agent": "'Mozilla/5.0 (bench)'",
        "referrer": "''",
        "submitted_at": submitted_at,
        "status": f"'{status}'",
        "status_changed_at": submitted_at,
        "spam_verdict": f"'{verdict}'",
        "spam_checked_at": f"{submitted_at} + interval '1 second'",
        "check_attempts": "1",
    }


def load_posts(seed: Post) -> None:
    """Add 199 published posts by the seed article's author."""
    insert_select(
        Post,
        {
            "title": "'Bench post ' || i",
            "slug": "'bench-post-' || i",
            "author": str(int(seed.author_id)),
            "body": [BODY],
            # What Post.save() would store: the bench pages render the body like real ones.
            "body_html": [render_markdown(BODY)],
            "copyright_notice": "''",
            "status": "'published'",
            "published_at": "now() - i * interval '1 day'",
            "updated_at": "now() - i * interval '1 day'",
            "comments_open": "true",
            "comment_count": "0",
            "comments_changed_at": "NULL",
            "search_vector": "NULL",
        },
        "generate_series(1, %s::int) AS i",
        [OTHER_POSTS],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE blog_post SET search_vector = "
            "setweight(to_tsvector('english', title), 'A') || "
            "setweight(to_tsvector('english', body), 'B') WHERE slug LIKE 'bench-post-%%'"
        )


def load_comments_at_scale() -> None:
    """Add the moderation load: approved elsewhere, spam and pending everywhere."""
    posts = "(SELECT array_agg(id ORDER BY id) AS ids FROM blog_post) AS p"
    others = (
        f"(SELECT array_agg(id ORDER BY id) AS ids FROM blog_post WHERE slug <> '{SEED_SLUG}') AS p"  # noqa: S608
    )
    pick = "p.ids[1 + i %% array_length(p.ids, 1)]"
    insert_select(
        Comment,
        comment_values(
            "approved", "ham", "now() - (i %% 720) * interval '1 hour' - interval '1 day'", pick
        ),
        f"generate_series(1, %s::int) AS i, {others}",
        [APPROVED_ELSEWHERE],
    )
    insert_select(
        Comment,
        comment_values("spam", "spam", "now() - (i %% 1400) * interval '15 minutes'", pick),
        f"generate_series(1, %s::int) AS i, {posts}",
        [SPAM],
    )
    insert_select(
        Comment,
        {
            **comment_values("pending", "ham", "now() - (i %% 2880) * interval '15 minutes'", pick),
            "hold_reason": "CASE WHEN i %% 10 = 0 THEN 'held: 2 links' ELSE '' END",
        },
        f"generate_series(1, %s::int) AS i, {posts}",
        [PENDING],
    )
    # Akismet's verdict on everything it checked in the last 30 days, and a few editors'
    # corrections, for the dashboard's chart and accuracy figures.
    insert_select(
        CommentEvent,
        {
            "comment": "c.id",
            "action": "'checked'",
            "actor": "NULL",
            "actor_label": "'Akismet'",
            "from_status": "'awaiting_check'",
            "to_status": "c.status",
            "reason": (
                "CASE WHEN c.status = 'spam' THEN 'Akismet caught this comment as spam.' "
                "ELSE 'Akismet cleared this comment.' END"
            ),
            "created_at": "c.spam_checked_at",
        },
        "comments_comment AS c WHERE c.submitted_at > now() - interval '30 days'",
    )
    for action, from_status, to_status, every in [
        ("marked_spam", "approved", "spam", 401),
        ("marked_ham", "spam", "pending", 307),
    ]:
        insert_select(
            CommentEvent,
            {
                "comment": "c.id",
                "action": f"'{action}'",
                "actor": "NULL",
                "actor_label": "'editor'",
                "from_status": f"'{from_status}'",
                "to_status": f"'{to_status}'",
                "reason": "''",
                "created_at": "c.spam_checked_at + interval '1 hour'",
            },
            f"comments_comment AS c WHERE c.status = '{to_status}' AND c.id %% {every} = 0",
        )
    tell_posts_comments_changed(Post.objects.values_list("pk", flat=True))
    # The rows went in as SQL, past the workflow: give the dashboard its daily counts.
    recount_daily_counts()
    analyze()


def grow_seed_thread(seed: Post, total: int) -> None:
    """Give the seed article `total` approved comments, threaded up to depth 5."""
    have = Comment.objects.filter(post=seed, status="approved").count()
    if total > have:
        insert_select(
            Comment,
            comment_values(
                "approved",
                "ham",
                # Minutes after a fixed start, so each stage's comments follow the last's.
                "now() - interval '30 days' + i * interval '1 minute'",
                str(int(seed.pk)),
            ),
            "generate_series(%s::int, %s::int) AS i",
            [have + 1, total],
        )
    # In each run of ten: chains 1-2-3-4-5 deep, a comment with two replies, and a pair.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH ranked AS (
                SELECT id, row_number() OVER (ORDER BY submitted_at, id) AS rn
                FROM comments_comment WHERE post_id = %s AND status = 'approved'
            ), wanted AS (
                SELECT id, rn, CASE WHEN (rn - 1) %% 10 IN (1, 2, 3, 4, 6, 9) THEN rn - 1
                                    WHEN (rn - 1) %% 10 = 7 THEN rn - 2 END AS parent_rn
                FROM ranked
            )
            UPDATE comments_comment AS c SET parent_id = parent.id
            FROM wanted JOIN ranked AS parent ON parent.rn = wanted.parent_rn
            WHERE c.id = wanted.id
            """,
            [seed.pk],
        )
    tell_posts_comments_changed([seed.pk])
    analyze()


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would after a load this size."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def settle_table(model) -> None:
    """Vacuum and analyze a table just bulk-loaded, as autovacuum would in the hours after."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def recount_daily_counts() -> None:
    """Count every stored comment afresh (after a bulk load that bypassed the workflow)."""
    rows = (
        Comment.objects.annotate(
            day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone())
        )
        .order_by()
        .values("day", "status", "spam_verdict")
        .annotate(n=Count("pk"))
    )
    DailyCount.objects.all().delete()
    DailyCount.objects.bulk_create(
        DailyCount(day=r["day"], status=r["status"], verdict=r["spam_verdict"], count=r["n"])
        for r in rows
    )
