"""A reader comments on the article in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


@pytest.fixture(autouse=True)
def human_speed(settings):
    # A test types faster than any person; the timestamp rule is specified elsewhere.
    settings.COMMENTS_MIN_FORM_SECONDS = 0


def fill_in(page, comment: str) -> None:
    page.get_by_label("Name *", exact=True).fill("Grace Reader")
    page.get_by_label("Email *", exact=True).fill("grace@example.com")
    page.get_by_label("Website", exact=True).fill("https://grace.example/")
    page.get_by_label("Comment *", exact=True).fill(comment)


def test_reader_sees_their_comment_awaiting_moderation_and_others_do_not(
    live_server, seed_post, page, new_page, screenshot
):
    page.goto(live_server.url + ARTICLE)
    fill_in(page, "Selling is a conversation too.\n\nSecond paragraph.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()

    assert page.url.startswith(live_server.url + ARTICLE)
    assert "#comment-" in page.url
    mine = page.locator("li.comment-pending")
    assert mine.get_by_text("Your comment is awaiting moderation.").is_visible()
    assert mine.get_by_text("Selling is a conversation too.").is_visible()
    assert mine.get_by_text("Second paragraph.").is_visible()
    # No network here: the Gravatar cannot load, but nothing may break the page's policy.
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    screenshot(page, "comment-awaiting-moderation")

    other = new_page()
    other.goto(live_server.url + ARTICLE)
    assert other.get_by_role("heading", name="Leave Comment").is_visible()
    assert other.get_by_text("Selling is a conversation too.").count() == 0
    assert other.get_by_text("Your comment is awaiting moderation.").count() == 0


def test_too_long_comment_shows_the_error_and_keeps_the_text(live_server, seed_post, page):
    too_long = "x" * 65_526
    page.goto(live_server.url + ARTICLE)
    fill_in(page, too_long)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()

    summary = page.locator("#comment-errors")
    assert summary.is_visible()
    assert "at most 65525 characters, and it has 65526" in summary.inner_text()
    field = page.get_by_label("Comment *", exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    assert "at most 65525 characters" in page.locator("#comment-error").inner_text()
    assert field.input_value() == too_long
    assert page.get_by_label("Name *", exact=True).input_value() == "Grace Reader"
    assert page.get_by_label("Website", exact=True).input_value() == "https://grace.example/"
