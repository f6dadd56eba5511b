"""The comment changelist is the moderation queue: what it shows, how it filters, what it costs."""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import AkismetReport, Comment, CommentEvent, Status, Verdict
from comments.moderation import queue
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.comments.moderation_helpers import queue_url
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db
Action = CommentEvent.Action


def test_queue_opens_on_what_needs_review(editor_client):
    pending = CommentFactory(status=Status.PENDING, author_name="Pending Pat")
    waiting = CommentFactory(status=Status.AWAITING_CHECK, author_name="Waiting Wes")
    CommentFactory(status=Status.APPROVED, author_name="Approved Ann")
    CommentFactory(status=Status.SPAM, author_name="Spammy Sam")

    page = editor_client.get(queue_url())

    assert page.status_code == 200
    shown = {c.pk for c in page.context["cl"].result_list}
    assert shown == {pending.pk, waiting.pk}
    assert "Comments that need review" in page.text


def test_status_filter_shows_counts(editor_client):
    CommentFactory.create_batch(2, status=Status.PENDING)
    CommentFactory(status=Status.AWAITING_CHECK)
    CommentFactory.create_batch(3, status=Status.SPAM)
    CommentFactory(status=Status.APPROVED)

    page = editor_client.get(queue_url())

    for label in [
        "Needs review (3)",
        "Pending (2)",
        "Awaiting spam check (1)",
        "Spam (3)",
        "Trash (0)",
        ">Approved<",
    ]:
        assert label in page.text


def test_status_counts_come_from_one_query(editor_client):
    CommentFactory.create_batch(2, status=Status.PENDING)

    with CaptureQueriesContext(connection) as queries:
        editor_client.get(queue_url())

    counting = [q["sql"] for q in queries.captured_queries if "FILTER (WHERE" in q["sql"]]
    assert len(counting) == 1


def test_a_big_spam_folder_is_counted_up_to_a_cap(editor_client, monkeypatch):
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    CommentFactory.create_batch(3, status=Status.SPAM)
    CommentFactory(status=Status.TRASH)

    page = editor_client.get(queue_url(status="spam"))

    assert "Spam (2+)" in page.text
    assert "Trash (1)" in page.text
    assert "Empty spam (2+)" in page.text


@pytest.mark.parametrize(
    ("status", "expected"),
    [("spam", {"spam"}), ("trash", {"trash"}), ("approved", {"approved"}), ("all", None)],
)
def test_status_filter_shows_one_folder(editor_client, status, expected):
    for each in Status.values:
        CommentFactory(status=each)

    page = editor_client.get(queue_url(status=status))

    shown = {c.status for c in page.context["cl"].result_list}
    assert shown == (expected or set(Status.values))


def test_djangos_usual_status_parameter_opens_the_same_folder(editor_client):
    spam = CommentFactory(status=Status.SPAM)
    CommentFactory(status=Status.PENDING)

    page = editor_client.get(queue_url(status__exact="spam"))

    assert [c.pk for c in page.context["cl"].result_list] == [spam.pk]


def test_each_row_shows_the_comment_as_the_reader_wrote_it(editor_client):
    post = PostFactory(title="Selling vs marketing")
    parent = CommentFactory(post=post, author_name="Original Olga", status=Status.APPROVED)
    CommentFactory.create_batch(
        3, post=post, author_email="Fan@Example.com", status=Status.APPROVED
    )
    CommentFactory(post=post, author_email="fan@example.com", status=Status.TRASH)
    reply = CommentFactory(
        post=post,
        parent=parent,
        author_name="Fan Frank",
        author_email="Fan@Example.com",
        author_url="https://frank.example/",
        ip_address="198.51.100.23",
        content="First line.\n\nSecond paragraph that is long. " + "More words here. " * 20,
        status=Status.PENDING,
        hold_reason="2 links",
    )

    page = editor_client.get(queue_url()).text

    digest = hashlib.sha256(b"fan@example.com").hexdigest()
    assert f"https://www.gravatar.com/avatar/{digest}" in page
    for text in [
        "Fan Frank",
        "Fan@Example.com",
        "https://frank.example/",
        "198.51.100.23",
        "3 approved",
        "In reply to",
        "Original Olga",
        "Selling vs marketing",
        "Held: 2 links",
        "<details",
        "<p>First line.</p>",
    ]:
        assert text in page, text
    assert f"/admin/comments/comment/{reply.pk}/change/" in page


def test_the_approved_count_matches_the_email_exactly(editor_client):
    CommentFactory(author_email="ann@example.com", status=Status.APPROVED)
    CommentFactory(author_email="annie@example.com", status=Status.APPROVED)
    CommentFactory(author_email="ann@example.com", status=Status.PENDING)

    page = editor_client.get(queue_url()).text

    assert "1 approved" in page


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"status": Status.PENDING, "spam_verdict": Verdict.HAM}, "Cleared by Akismet"),
        ({"status": Status.SPAM, "spam_verdict": Verdict.SPAM}, "Flagged as spam by Akismet"),
        ({"status": Status.AWAITING_CHECK, "spam_verdict": Verdict.ERROR}, "Awaiting spam check"),
        ({"status": Status.PENDING, "hold_reason": "2 links"}, "Held: 2 links"),
        (
            {"status": Status.PENDING, "hold_reason": "moderation word 'casino'"},
            "Held: moderation word &#x27;casino&#x27;",
        ),
        ({"status": Status.SPAM, "hold_reason": "honeypot"}, "Honeypot"),
        (
            {"status": Status.TRASH, "hold_reason": "disallowed word 'pills'"},
            "Disallowed word &#x27;pills&#x27;",
        ),
        ({"status": Status.PENDING, "spam_verdict": Verdict.SKIPPED}, "Not checked by Akismet"),
    ],
)
def test_each_row_says_why_it_is_here(editor_client, fields, label):
    CommentFactory(**fields)

    page = editor_client.get(queue_url(status="all")).text

    assert label in page


def test_rows_name_the_editor_who_flagged_or_unspammed_them(admin_client, admin_user):
    flagged = CommentFactory(status=Status.PENDING, spam_verdict=Verdict.HAM)
    rescued = CommentFactory(status=Status.SPAM, spam_verdict=Verdict.SPAM)
    admin_user.username = "editor-erin"
    admin_user.save()
    admin_client.post(f"/admin/comments/comment/{flagged.pk}/spam/")
    admin_client.post(f"/admin/comments/comment/{rescued.pk}/ham/")

    page = admin_client.get(queue_url(status="all")).text

    assert "Flagged as spam by editor-erin" in page
    assert "Un-spammed by editor-erin" in page


def test_hostile_comment_text_is_shown_escaped(editor_client):
    CommentFactory(
        status=Status.PENDING,
        author_name="<script>alert('name')</script>",
        author_url='https://x.example/"><script>alert(1)</script>',
        content="<img src=x onerror=alert(2)> & <b>bold</b>\n\n<script>alert(3)</script>",
    )

    page = editor_client.get(queue_url()).text

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "term", ["needle@example.com", "192.0.2.77", "needle.example", "haystack", "Nadia"]
)
def test_search_finds_by_author_email_ip_url_and_text(editor_client, term):
    wanted = CommentFactory(
        status=Status.PENDING,
        author_name="Nadia Needle",
        author_email="needle@example.com",
        ip_address="192.0.2.77",
        author_url="https://needle.example/",
        content="Find me in the haystack.",
    )
    CommentFactory(status=Status.PENDING)

    page = editor_client.get(queue_url(q=term))

    assert [c.pk for c in page.context["cl"].result_list] == [wanted.pk]


def test_queue_is_newest_first_with_date_filters_but_no_date_hierarchy(editor_client):
    older = CommentFactory(status=Status.PENDING)
    newer = CommentFactory(status=Status.PENDING)

    page = editor_client.get(queue_url())

    assert [c.pk for c in page.context["cl"].result_list] == [newer.pk, older.pk]
    assert 'id="changelist-filter"' in page.text
    for title in ["By Akismet verdict", "By submitted", "By post"]:
        assert title in page.text
    # The date hierarchy read every row of a folder (all 100,000 spam) on every page.
    assert page.context["cl"].date_hierarchy is None


def test_change_page_shows_history_payload_and_reports(admin_client, admin_user):
    comment = CommentFactory(
        status=Status.PENDING,
        akismet_payload={"comment_author": "Pat <b>", "user_ip": "203.0.113.7"},
    )
    workflow.apply_move([comment.pk], moves.SPAM, admin_user, reason="Obvious <i>spam</i>")
    AkismetReport.objects.create(
        comment=comment,
        kind="spam",
        state="failed",
        attempts=2,
        last_error="Akismet timed out.",
    )

    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").text

    assert "Marked as spam" in page
    assert "Obvious &lt;i&gt;spam&lt;/i&gt;" in page
    assert admin_user.username in page
    assert "&quot;comment_author&quot;: &quot;Pat &lt;b&gt;&quot;" in page
    assert "Akismet timed out." in page
    assert "Failed, will retry" in page


def test_failed_reports_are_listed_for_editors(admin_client):
    comment = CommentFactory(status=Status.SPAM)
    AkismetReport.objects.create(comment=comment, kind="spam", state="failed", last_error="boom")

    page = admin_client.get("/admin/comments/akismetreport/?state=failed").text

    assert "boom" in page


def _many_comments(n_per_status: int, posts: int = 4) -> None:
    blog_posts = PostFactory.create_batch(posts)
    rows = []
    for i in range(n_per_status):
        post = blog_posts[i % posts]
        for status in (Status.PENDING, Status.APPROVED, Status.SPAM, Status.AWAITING_CHECK):
            rows.append(
                Comment(
                    post=post,
                    author_name=f"r{i}",
                    author_email=f"r{i % 7}@example.com",
                    content=f"text {i}",
                    status=status,
                    spam_verdict=Verdict.SPAM if status == Status.SPAM else Verdict.HAM,
                )
            )
    Comment.objects.bulk_create(rows)
    replies = Comment.objects.filter(status=Status.APPROVED)[:5]
    for parent in replies:
        CommentFactory(post=parent.post, parent=parent, status=Status.PENDING)
    for comment in Comment.objects.filter(status=Status.SPAM)[:5]:
        CommentEvent.objects.create(
            comment=comment, action=Action.MARKED_SPAM, actor_label="eddie", to_status="spam"
        )


@pytest.mark.parametrize("url", [queue_url(), queue_url(status="spam"), "/admin/"])
def test_queue_spam_folder_and_dashboard_cost_the_same_queries_at_any_size(
    editor_client, url, django_assert_max_num_queries, site_settings_kept
):
    _many_comments(10)
    with CaptureQueriesContext(connection) as small:
        assert editor_client.get(url).status_code == 200

    _many_comments(150, posts=12)
    with django_assert_max_num_queries(len(small)):
        assert editor_client.get(url).status_code == 200
    # The dashboard's Akismet health adds four small index reads (comments.spam.health); the
    # list counts its posts' waiting comments in one statement of its own.
    assert len(small) <= 16


def test_a_search_without_a_folder_looks_in_every_folder(editor_client):
    spam = CommentFactory(status=Status.SPAM, author_email="wanted@example.com")
    pending = CommentFactory(status=Status.PENDING, author_email="wanted@example.com")

    page = editor_client.get(queue_url(q="wanted@example.com"))

    assert {c.pk for c in page.context["cl"].result_list} == {spam.pk, pending.pk}
    assert "All comments" in page.text


def test_a_search_inside_a_folder_stays_there(editor_client):
    CommentFactory(status=Status.SPAM, author_email="wanted@example.com")
    pending = CommentFactory(status=Status.PENDING, author_email="wanted@example.com")

    page = editor_client.get(queue_url(q="wanted@example.com", status="pending"))

    assert [c.pk for c in page.context["cl"].result_list] == [pending.pk]


def test_the_post_filter_reads_titles_not_bodies(editor_client):
    CommentFactory(status=Status.PENDING, post=PostFactory(title="A titled post"))

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(queue_url())

    assert "A titled post" in page.text
    assert not [q for q in queries.captured_queries if '"blog_post"."body"' in q["sql"]]


def test_the_queue_shows_twenty_comments_a_page_like_wordpress(editor_client):
    CommentFactory.create_batch(21, status=Status.PENDING)

    page = editor_client.get(queue_url())

    assert len(page.context["cl"].result_list) == 20


def test_each_posts_waiting_comments_are_counted_once_for_the_page(editor_client):
    busy, quiet = PostFactory(), PostFactory()
    CommentFactory.create_batch(5, post=busy, status=Status.SPAM)
    CommentFactory.create_batch(3, post=busy, status=Status.PENDING)
    CommentFactory(post=quiet, status=Status.SPAM)

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(queue_url(status="spam"))

    assert page.text.count(">3 pending</a>") == 5
    assert page.text.count("pending</a>") == 5  # the quiet post has none waiting
    # One statement counts the page's posts; inside the list's own query the count read the
    # post's whole queue again for each row (67 ms for 20 rows on a post with 3,800 waiting).
    by_post = [
        q["sql"]
        for q in queries.captured_queries
        if re.search(r'SELECT "comments_comment"\."post_id" AS "post", COUNT\(', q["sql"])
    ]
    assert len(by_post) == 1, [q["sql"] for q in queries.captured_queries]
