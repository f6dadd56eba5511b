"""The Reply link moves the form under the comment answered, as WordPress's comment-reply.js."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status, tell_posts_comments_changed
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.factories import CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


@pytest.fixture(autouse=True)
def human_speed(settings):
    settings.COMMENTS_MIN_FORM_SECONDS = 0


@pytest.fixture
def answered(seed_post):
    comment = CommentFactory(post=seed_post, status=Status.APPROVED, author_name="Ada Asker")
    CommentFactory(post=seed_post, status=Status.APPROVED, author_name="Bo Later")
    tell_posts_comments_changed([seed_post.pk])
    return comment


def test_reply_moves_the_form_under_the_comment_without_a_page_load(
    live_server, answered, new_page
):
    page = new_page()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.route("https://www.gravatar.com/**", lambda route: route.fulfill(status=204))
    page.goto(live_server.url + ARTICLE)
    page.evaluate("window.stillHere = true")

    page.get_by_role("link", name="Reply to Ada Asker").click()

    item = page.locator(f"li#comment-{answered.pk}")
    expect(item.locator("#respond")).to_be_visible()
    expect(page.locator("#reply-title")).to_contain_text("Reply to Ada Asker")
    assert page.locator("#comment_parent").input_value() == str(answered.pk)
    assert page.evaluate("window.stillHere === true")
    assert page.evaluate("document.activeElement.id") == "comment"

    page.get_by_role("link", name="Cancel reply").click()
    expect(item.locator("#respond")).to_have_count(0)
    expect(page.locator("#reply-title")).to_have_text("Leave Comment")
    assert page.locator("#comment_parent").input_value() == ""

    page.get_by_role("link", name="Reply to Ada Asker").click()
    page.get_by_label("Name *", exact=True).fill("Grace Reader")
    page.get_by_label("Email *", exact=True).fill("grace@example.com")
    page.get_by_label("Comment *", exact=True).fill("An answer, in its place.")
    assert violations(page) == []
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()

    reply = Comment.objects.get(content="An answer, in its place.")
    assert reply.parent_id == answered.pk
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_without_javascript_the_reply_link_still_opens_the_form_for_that_comment(
    live_server, answered, browser
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + ARTICLE)
        with page.expect_navigation():
            page.get_by_role("link", name="Reply to Ada Asker").click()

        assert f"replytocom={answered.pk}" in page.url
        expect(page.locator("#reply-title")).to_contain_text("Reply to Ada Asker")
        assert page.locator("#comment_parent").input_value() == str(answered.pk)
    finally:
        context.close()
