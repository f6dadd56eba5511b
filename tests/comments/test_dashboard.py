"""The admin index shows editors what waits, the last 30 days, and how Akismet is doing."""

from datetime import datetime, time, timedelta

import akismet
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from comments import tasks
from comments.models import Comment, DailyCount, Status, Verdict
from comments.moderation.dashboard import akismet_totals, last_days
from comments.workflow import personal_data as privacy
from comments.workflow import purge
from tests.comments.moderation_helpers import run_action
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db


def local_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def day_of(comment):
    """Return the local day a comment was sent: its bar on the chart."""
    return timezone.localdate(comment.submitted_at)


@pytest.fixture
def dashboard(editor_client):

    def render():
        page = editor_client.get("/admin/")
        assert page.status_code == 200
        return BeautifulSoup(page.text, "html.parser").find(
            "section", class_="moderation-dashboard"
        )

    return render


def test_dashboard_links_pending_and_awaiting_check_counts_to_the_queue(dashboard):
    CommentFactory.create_batch(2, status=Status.PENDING)
    CommentFactory(status=Status.AWAITING_CHECK)

    section = dashboard()

    links = {a.get_text(" ", strip=True): a["href"] for a in section.find_all("a")}
    assert links["2 pending"] == "/admin/comments/comment/?status=pending"
    assert links["1 awaiting spam check"] == "/admin/comments/comment/?status=awaiting_check"


def test_the_admin_index_keeps_its_app_list(editor_client):

    page = editor_client.get("/admin/").text

    assert 'class="app-comments module' in page
    assert 'class="app-blog module' in page


def test_chart_is_an_accessible_server_rendered_svg_without_inline_code(dashboard):
    CommentFactory(status=Status.APPROVED)
    CommentFactory(status=Status.SPAM)
    CommentFactory(status=Status.PENDING)

    section = dashboard()

    svg = section.find("svg")
    assert svg["role"] == "img"
    assert svg.find("title").get_text() == "Comments per day, last 30 days"
    assert "1 approved, 1 spam and 1 held" in svg.find("desc").get_text()
    assert {rect["class"][0] for rect in svg.find_all("rect")} == {
        "bar-ham",
        "bar-spam",
        "bar-held",
    }
    table = section.find("table", class_="visually-hidden")
    assert len(table.find("tbody").find_all("tr")) == 30
    assert not section.find_all("script")
    assert not section.find_all(style=True)
    assert not section.find_all("style")


def test_dashboard_stylesheet_is_a_static_file(editor_client):

    page = editor_client.get("/admin/").text

    assert "/static/comments/admin.css" in page


def test_days_split_ham_spam_and_held_in_local_time():
    today = timezone.localdate()
    noon = local_noon(today)
    CommentFactory(status=Status.APPROVED, submitted_at=noon)
    CommentFactory(status=Status.SPAM, submitted_at=noon)
    CommentFactory(status=Status.SPAM, submitted_at=noon - timedelta(days=3))
    CommentFactory(status=Status.AWAITING_CHECK, submitted_at=noon - timedelta(days=3))
    CommentFactory(status=Status.APPROVED, submitted_at=noon - timedelta(days=31))

    days = last_days(today)

    assert len(days) == 30
    assert days[-1] == {"day": today, "ham": 1, "spam": 1, "held": 0}
    assert days[-4] == {"day": today - timedelta(days=3), "ham": 0, "spam": 1, "held": 1}
    assert sum(d["ham"] for d in days) == 1


def test_akismet_totals_count_catches_misses_and_false_positives(dashboard):
    CommentFactory.create_batch(6, status=Status.SPAM, spam_verdict=Verdict.SPAM)
    CommentFactory(status=Status.SPAM, spam_verdict=Verdict.DISCARD)
    CommentFactory(status=Status.APPROVED, spam_verdict=Verdict.SPAM)  # false positive
    CommentFactory.create_batch(10, status=Status.APPROVED, spam_verdict=Verdict.HAM)
    CommentFactory(status=Status.SPAM, spam_verdict=Verdict.HAM)  # missed spam
    CommentFactory(status=Status.SPAM, spam_verdict=Verdict.SKIPPED, hold_reason="honeypot")

    totals = akismet_totals()

    assert (totals["checked"], totals["caught"]) == (19, 8)
    assert (totals["missed"], totals["false_positives"]) == (1, 1)
    assert totals["accuracy"] == 89.5
    text = dashboard().get_text(" ", strip=True)
    assert "Spam caught 8" in text
    assert "Missed spam 1" in text
    assert "False positives 1" in text
    assert "Accuracy 89.5%" in text


def test_dashboard_is_not_shown_to_staff_who_cannot_see_comments(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="outsider", is_staff=True))

    assert "moderation-dashboard" not in client.get("/admin/").text


def test_the_purge_changes_no_past_figure_on_the_dashboard(dashboard):
    today = timezone.localdate()
    # Noon, twenty days before `today`: the same bar however long the test takes.
    twenty_days_ago = local_noon(today - timedelta(days=20))
    CommentFactory.create_batch(
        3,
        status=Status.SPAM,
        spam_verdict=Verdict.SPAM,
        submitted_at=twenty_days_ago,
        status_changed_at=twenty_days_ago,
    )
    CommentFactory(status=Status.APPROVED, spam_verdict=Verdict.HAM, submitted_at=twenty_days_ago)
    before_days, before_totals = last_days(today), akismet_totals()
    before_page = dashboard().get_text(" ", strip=True)

    assert purge.purge_old_comments() == (3, 0)

    assert last_days(today) == before_days
    assert before_days[-21]["spam"] == 3
    assert akismet_totals() == before_totals
    assert dashboard().get_text(" ", strip=True) == before_page


def test_the_chart_follows_the_comments_through_the_spam_check_and_the_editor(
    send, post, akismet_answers, client
):
    akismet_answers(akismet.CheckResponse.SPAM)
    send(post, email="first@example.com", comment="Cheap watches.")
    send(post, email="second@example.com", comment="Fine article.")
    assert Comment.objects.filter(status=Status.SPAM).count() == 2
    client.force_login(make_editor())

    run_action(client, "ham_comments", [Comment.objects.first()], status="spam")

    # The bar of the day they were sent, which may be yesterday by now (local midnight).
    sent_on = day_of(Comment.objects.first())
    sent_day = last_days(sent_on)[-1]
    assert (sent_day["spam"], sent_day["held"] + sent_day["ham"]) == (1, 1)
    assert akismet_totals()["false_positives"] == 1


def test_an_erased_comment_that_was_waiting_no_longer_counts_as_held():
    waiting = CommentFactory(status=Status.PENDING, author_email="ada@example.com")
    CommentFactory(status=Status.APPROVED, author_email="ada@example.com")
    sent_on = day_of(waiting)
    assert last_days(sent_on)[-1] == {"day": sent_on, "ham": 1, "spam": 0, "held": 1}

    privacy.erase_comments("ada@example.com")

    assert last_days(sent_on)[-1] == {"day": sent_on, "ham": 1, "spam": 0, "held": 0}


def test_folding_the_daily_counts_changes_no_figure(send, post, akismet_answers, client):
    akismet_answers(akismet.CheckResponse.SPAM)
    for n in range(3):
        send(post, email=f"reader{n}@example.com", comment=f"Comment number {n}.")
    client.force_login(make_editor())
    run_action(client, "ham_comments", [Comment.objects.first()], status="spam")
    # The same 30 days before and after, even if local midnight passes in between.
    sent_on = day_of(Comment.objects.first())
    before_days, before_totals = last_days(sent_on), akismet_totals()
    rows_before = DailyCount.objects.count()

    folded = tasks.compact_daily_counts.call()

    assert folded > 0
    assert DailyCount.objects.count() == rows_before - folded
    assert last_days(sent_on) == before_days
    assert akismet_totals() == before_totals
    assert tasks.compact_daily_counts.call() == 0
