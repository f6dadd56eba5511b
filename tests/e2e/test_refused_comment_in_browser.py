"""A refused comment lands the reader on the form, with the error summary focused."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


@pytest.fixture(autouse=True)
def human_speed(settings):
    settings.COMMENTS_MIN_FORM_SECONDS = 0


def fill_in(page, comment: str, email="grace@example.com") -> None:
    page.get_by_label("Name *", exact=True).fill("Grace Reader")
    page.get_by_label("Email *", exact=True).fill(email)
    page.get_by_label("Comment *", exact=True).fill(comment)


def assert_lands_on_the_focused_error_summary(page, says: str) -> None:
    summary = page.locator("#comment-errors")
    expect(summary).to_contain_text(says)
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    # The article is above the form: the page did not open at its top.
    assert page.evaluate("window.scrollY") > 0


def test_a_comment_refused_with_400_lands_on_the_focused_error_summary(
    live_server, seed_post, page, screenshot
):
    page.goto(live_server.url + ARTICLE)
    fill_in(page, "")
    page.get_by_role("button", name="Submit").click()

    assert_lands_on_the_focused_error_summary(page, "Please type your comment text.")
    screenshot(page, "comment-refused-400")


def test_a_comment_refused_with_429_lands_on_the_focused_error_summary(
    live_server, seed_post, page
):
    page.goto(live_server.url + ARTICLE)
    fill_in(page, "A first thought.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()

    page.goto(live_server.url + ARTICLE)
    fill_in(page, "A second thought, too soon.")
    page.get_by_role("button", name="Submit").click()

    assert_lands_on_the_focused_error_summary(page, "You are posting comments too quickly.")
    expect(page.get_by_label("Comment *", exact=True)).to_have_value("A second thought, too soon.")
