"""A commenter fixes or takes back their own comment, and reports another, in a real browser."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings, Status, tell_posts_comments_changed
from comments.workflow import moves
from comments.workflow import writer as workflow
from comments.workflow.edits import accept_edit
from tests.factories import CommentFactory
from tests.support.people import make_editor
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


@pytest.fixture(autouse=True)
def human_speed(settings):
    # A test types faster than any person; the timestamp rule is specified elsewhere.
    settings.COMMENTS_MIN_FORM_SECONDS = 0


def post_comment(page, url: str, text: str) -> None:
    page.goto(url)
    page.get_by_label("Name *", exact=True).fill("Tina Typo")
    page.get_by_label("Email *", exact=True).fill("tina@example.com")
    page.get_by_label("Comment *", exact=True).fill(text)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()


def test_a_commenter_edits_a_pending_comment_and_sees_the_new_text_at_once(
    live_server, seed_post, page
):
    post_comment(page, live_server.url + ARTICLE, "Marketing is a convresation.")
    mine = page.locator("li.comment-pending")
    expect(mine).to_contain_text("Marketing is a convresation.")

    mine.get_by_role("link", name="Edit").click()
    page.get_by_label("Comment *", exact=True).fill("Marketing is a conversation.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    expect(page.locator("li.comment-pending")).to_contain_text("Marketing is a conversation.")
    expect(page.get_by_text("convresation")).to_have_count(0)
    page.reload()
    expect(page.locator("li.comment-pending")).to_contain_text("Marketing is a conversation.")


def test_a_commenter_deletes_their_comment_within_the_window_and_a_reply_stays(
    live_server, seed_post, page, new_page
):
    url = live_server.url + ARTICLE
    post_comment(page, url, "A thought I regret.")
    mine = Comment.objects.get(author_name="Tina Typo")
    workflow.apply_move([mine.pk], moves.APPROVE)
    CommentFactory(post=seed_post, parent=mine, author_name="Ada", content="I disagree.")
    page.goto(url)
    expect(page.get_by_text("A thought I regret.")).to_be_visible()

    page.locator(f"#comment-{mine.pk}").get_by_role("link", name="Delete").first.click()
    expect(page.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_load_state()

    expect(page.get_by_text("A thought I regret.")).to_have_count(0)
    expect(page.get_by_text("I disagree.")).to_be_visible()
    reader = new_page()
    reader.goto(url)
    expect(reader.get_by_text("I disagree.")).to_be_visible()
    expect(reader.get_by_text("A thought I regret.")).to_have_count(0)
    assert Comment.objects.filter(author_name="Ada", status=Status.APPROVED).exists()


def test_an_edited_approved_comment_stays_visible_with_its_old_text_until_approved(
    live_server, seed_post, page, new_page
):
    url = live_server.url + ARTICLE
    post_comment(page, url, "Marketing is a convresation.")
    mine = Comment.objects.get(author_name="Tina Typo")
    workflow.apply_move([mine.pk], moves.APPROVE)
    page.goto(url)

    page.locator(f"#comment-{mine.pk}").get_by_role("link", name="Edit").first.click()
    page.get_by_label("Comment *", exact=True).fill("Marketing is a conversation.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Your edit is awaiting moderation")).to_be_visible()
    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("Marketing is a convresation.")
    reader = new_page()
    reader.goto(url)
    expect(reader.locator(f"#comment-{mine.pk}")).to_contain_text("Marketing is a convresation.")

    accept_edit(Comment.objects.get(pk=mine.pk).proposed_edit, make_editor())

    def reader_sees_the_edit():
        # Readers without cookies share a page for up to a second.
        reader.reload()
        return "Marketing is a conversation." in reader.locator(f"#comment-{mine.pk}").inner_text()

    wait_for(reader_sees_the_edit, timeout=10)


def test_a_reader_reports_another_readers_comment_and_it_goes_back_to_the_queue(
    live_server, seed_post, page
):
    # One report is enough here: every browser of the test shares 127.0.0.1, which counts once.
    settings_row = DiscussionSettings.load()
    settings_row.report_threshold = 1
    settings_row.save()
    other = CommentFactory(
        post=seed_post, status=Status.APPROVED, author_name="Sam Spam", content="Cheap watches."
    )
    tell_posts_comments_changed([seed_post.pk])
    page.goto(live_server.url + ARTICLE)

    page.get_by_role("link", name="Report the comment by Sam Spam").click()
    expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
    page.get_by_label("It is spam or advertising").check()
    page.get_by_role("button", name="Report it").click()
    page.wait_for_load_state()

    expect(page.get_by_text("The editors will look at the comment.")).to_be_visible()
    held = wait_for(lambda: Comment.objects.filter(pk=other.pk, status=Status.PENDING).first())
    assert held.hold_reason.startswith("Reported by readers (1):")

    # Readers without cookies of ours share a page for the second it was rendered in
    # (blog.public_cache): the held comment is gone from the next second's page.
    def gone_from_the_page():
        page.goto(live_server.url + ARTICLE)
        return page.get_by_text("Cheap watches.").count() == 0

    wait_for(gone_from_the_page, timeout=5, every=0.2)
