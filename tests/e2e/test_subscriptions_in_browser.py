"""A reader asks for email under their comment, confirms it, hears back, and leaves in one click."""

import pytest
from playwright.sync_api import expect

from comments.models import Status
from subscriptions.models import Subscription
from tests.e2e.test_moderation_in_browser import editor_page, run_action_on
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"
READER = "grace@example.com"


@pytest.fixture(autouse=True)
def site(settings, live_server):
    # The links in the emails point at the live server, as SITE_URL does in production.
    settings.SITE_URL = live_server.url
    settings.COMMENTS_MIN_FORM_SECONDS = 0


def approve_in_the_queue(admin, live_server, author):
    admin.goto(f"{live_server.url}/admin/comments/comment/")
    run_action_on(admin, author, "approve_comments")
    expect(admin.get_by_text("1 comment approved.")).to_be_visible()


def test_reader_confirms_is_approved_hears_of_a_follow_up_and_unsubscribes_in_one_click(
    live_server, seed_post, page, new_page, smtp_server, screenshot
):
    page.goto(live_server.url + ARTICLE)
    page.get_by_label("Name *", exact=True).fill("Grace Reader")
    page.get_by_label("Email *", exact=True).fill(READER)
    page.get_by_label("Comment *", exact=True).fill("Selling is the last step of marketing.")
    follow_ups = page.get_by_label("Notify me of follow-up comments by email.")
    approval = page.get_by_label("Notify me when my comment is approved.")
    expect(follow_ups).not_to_be_checked()
    expect(approval).not_to_be_checked()
    follow_ups.check()
    approval.check()
    screenshot(page, "comment-form-subscription-boxes")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()

    [confirmation] = smtp_server.wait_for(READER)
    assert "Please confirm" in confirmation["Subject"]
    page.goto(smtp_server.link(confirmation, "confirm"))
    expect(page.get_by_role("link", name=seed_post.title)).to_be_visible()
    page.get_by_role("button", name="Yes, email me about new comments").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()

    make_editor(username="eddie")
    admin = editor_page(new_page)
    admin.set_viewport_size({"width": 1400, "height": 900})
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    admin.get_by_label("Username").fill("eddie")
    admin.get_by_label("Password").fill("correct horse battery")
    admin.get_by_role("button", name="Log in").click()
    approve_in_the_queue(admin, live_server, "Grace Reader")

    [_, approved] = smtp_server.wait_for(READER, 2)
    assert "Your comment on “Selling vs. Marketing” is approved" in approved["Subject"]
    assert "Selling is the last step of marketing." in smtp_server.body(approved)

    CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        author_name="Ada Answer",
        content="Marketing makes the selling easy.",
    )
    approve_in_the_queue(admin, live_server, "Ada Answer")
    [*_, follow_up] = smtp_server.wait_for(READER, 3)
    assert "New comment on “Selling vs. Marketing”" in follow_up["Subject"]
    assert "Marketing makes the selling easy." in smtp_server.body(follow_up)
    assert follow_up["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page.goto(smtp_server.link(follow_up, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    screenshot(page, "unsubscribed")
    assert not Subscription.objects.filter(kind=Subscription.Kind.FOLLOW_UPS).exists()
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
