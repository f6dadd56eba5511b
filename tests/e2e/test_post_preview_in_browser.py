"""An editor previews a Markdown post in a real browser, under the strict policy."""

import pytest

from blog.models import Post
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_previews_markdown_as_readers_will_see_it_without_saving(
    live_server, seed_post, page, screenshot
):
    page.context.add_init_script(LISTEN_FOR_VIOLATIONS)
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/blog/post/{seed_post.pk}/change/")
    page.locator("#id_body").fill(
        "## A new section\n\nWith *emphasis* and <script>alert('no')</script> typed in."
    )
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    preview = opened.value
    preview.console_errors = []
    preview.on(
        "console", lambda msg: msg.type == "error" and preview.console_errors.append(msg.text)
    )
    preview.wait_for_load_state("networkidle")

    assert preview.get_by_role("heading", name="A new section").is_visible()
    assert preview.locator(".post-body em").inner_text() == "emphasis"
    assert preview.get_by_text("<script>alert('no')</script>", exact=False).is_visible()
    assert preview.get_by_role("heading", name="Selling vs. Marketing").is_visible()
    assert violations(preview) == []
    screenshot(preview, "post-preview")
    # The editor's tab still holds the unsaved text; nothing was saved.
    assert "A new section" in page.locator("#id_body").input_value()
    assert "A new section" not in Post.objects.get(pk=seed_post.pk).body
