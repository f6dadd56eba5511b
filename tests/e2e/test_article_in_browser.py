import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_sees_the_article_and_the_comment_form(live_server, seed_post, page, screenshot):
    page.goto(f"{live_server.url}/2007/05/selling-vs-marketing/")

    assert page.title().startswith("Selling vs. Marketing")
    assert page.get_by_role("heading", level=1).inner_text() == "Selling vs. Marketing"
    assert page.get_by_text("Marketing asks you to first think about the needs").is_visible()
    assert page.get_by_role("heading", name="About the author").is_visible()
    assert page.get_by_text("© Copyright 2007 All rights reserved.").is_visible()

    form = page.locator("#commentform")
    assert page.get_by_role("heading", name="Leave Comment").is_visible()
    assert "Required fields are marked *" in page.locator(".comment-notes").inner_text()
    for label in ["Name *", "Email *", "Website", "Comment *"]:
        assert form.get_by_label(label, exact=True).is_visible(), label
    assert form.locator("input[type=reset][value='clear form']").is_visible()
    assert form.get_by_role("button", name="Submit").is_visible()

    # The stylesheet came from our own server and was applied.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Georgia" in font
    shot = screenshot(page, "article")
    assert shot.stat().st_size > 10_000
