"""The site and the admin work in a real browser under the strict Content-Security-Policy."""

import pytest

from comments.models import Comment
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"

# Runs before any page script; the browser reports each blocked resource or inline code here.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}` +
    ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched_page(page):
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    """Return every CSP violation the page reported, from events and the console."""
    reported = page.evaluate("window.__cspViolations || []")
    console = [
        text
        for text in page.console_errors
        if "Content Security Policy" in text or "Content-Security-Policy" in text
    ]
    return reported + console


def script_errors(page) -> list[str]:
    """Return console errors other than images this sandbox cannot fetch (Gravatar, favicon)."""
    return [text for text in page.console_errors if not text.startswith("Failed to load resource")]


def test_reader_reads_and_comments_under_the_csp(live_server, seed_post, watched_page):
    page = watched_page
    response = page.goto(f"{live_server.url}{ARTICLE}")

    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert violations(page) == []

    form = page.locator("#commentform")
    form.get_by_label("Name *", exact=True).fill("Ada Reader")
    form.get_by_label("Email *", exact=True).fill("ada@example.com")
    form.get_by_label("Comment *", exact=True).fill("Strict policies and good comments.")
    with page.expect_navigation():
        form.get_by_role("button", name="Submit").click()

    assert page.get_by_text("Your comment is awaiting moderation.").is_visible()
    assert page.get_by_text("Strict policies and good comments.").is_visible()
    assert violations(page) == []
    assert script_errors(page) == []


def test_editor_signs_in_and_moderates_under_the_csp(
    live_server, seed_post, watched_page, screenshot
):
    page = watched_page
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    Comment.objects.create(
        post=seed_post,
        author_name="Ada Reader",
        author_email="ada@example.com",
        content="Waiting for an editor.",
        status="pending",
    )

    response = page.goto(f"{live_server.url}/admin/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert violations(page) == []

    # The admin index (with the moderation dashboard).
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    # The moderation queue: its scripts (select all, actions) run under the policy.
    page.goto(f"{live_server.url}/admin/comments/comment/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Waiting for an editor.").first.is_visible()
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select").first.is_checked()
    assert violations(page) == []

    # A comment's change page.
    comment = Comment.objects.get()
    page.goto(f"{live_server.url}/admin/comments/comment/{comment.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert script_errors(page) == []
    screenshot(page, "admin-under-csp")
