"""An editor answers readers from the queue in a real browser, under the strict CSP."""

import akismet
import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status, Verdict
from comments.spam import akismet as spam
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a reader and an editor see of the comment form, read from its DOM.
READ_FORM = """(root) => ({
  title: root.querySelector("#reply-title").firstChild.textContent.trim(),
  notes: root.querySelector(".comment-notes").textContent.trim(),
  labels: [...root.querySelectorAll("label")]
    .filter((label) => label.offsetParent !== null)
    .map((label) => label.textContent.trim()),
  fields: [...root.querySelectorAll("input, textarea")]
    .filter((field) => field.name !== "csrfmiddlewaretoken")
    .map((field) => `${field.name}:${field.type}:${field.required}`),
  buttons: [...root.querySelectorAll("input[type=submit], input[type=reset], button")]
    .map((button) => button.value || button.textContent.trim()),
  notice: root.querySelector(".akismet-notice").outerHTML,
})"""


@pytest.fixture(autouse=True)
def akismet_says_ham(settings, monkeypatch):
    settings.AKISMET_API_KEY = "test-key"
    # A test types faster than any person; the timestamp rule is specified elsewhere.
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    monkeypatch.setattr(spam, "client_class", akismet.TestSyncClient)


def sign_in(new_page, live_server):
    admin = new_page()
    admin.add_init_script(LISTEN_FOR_VIOLATIONS)
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.route("https://www.gravatar.com/**", lambda route: route.fulfill(status=204))
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    admin.get_by_label("Username").fill("eddie")
    admin.get_by_label("Password").fill("correct horse battery")
    admin.get_by_role("button", name="Log in").click()
    # Generous: this machine is shared, and sign-in hashes a password.
    expect(admin.get_by_role("heading", name="Comments that need review")).to_be_visible(
        timeout=30_000
    )
    return admin


def test_editor_approves_and_replies_inline_and_readers_see_the_thread(
    live_server, seed_post, new_page, screenshot
):
    make_editor(username="eddie", first_name="Eddie", last_name="Editor")
    rita = CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        spam_verdict=Verdict.HAM,
        author_name="Rita Reader",
        content="Is marketing just selling at scale?",
    )
    CommentFactory.create_batch(3, post=seed_post, status=Status.PENDING)
    admin = sign_in(new_page, live_server)
    # The queue fits a 1,280 px screen: no horizontal scroll bar, on the page or the table.
    assert admin.evaluate("document.documentElement.scrollWidth") <= 1280
    results = admin.locator("#changelist .results")
    assert results.evaluate("(el) => el.scrollWidth <= el.clientWidth")

    row = admin.locator("#result_list tbody tr", has_text="Rita Reader")
    row.get_by_role("link", name="Approve and reply").click()
    inline = admin.locator("tr.inline-desk")
    expect(inline.get_by_role("heading", name="Reply to Rita Reader")).to_be_visible()
    assert admin.url.endswith("/admin/comments/comment/")
    assert inline.get_by_label("Name *", exact=True).input_value() == "Eddie Editor"
    assert inline.get_by_label("Email *", exact=True).input_value() == "eddie@example.com"
    inline.get_by_label("Comment *", exact=True).fill("Not quite, Rita: marketing comes first.")
    screenshot(admin, "editors-desk-inline-reply")
    with admin.expect_navigation():
        inline.get_by_role("button", name="Submit").click()

    expect(admin.get_by_role("heading", name="Comments that need review")).to_be_visible()
    expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")
    expect(admin.locator(".messagelist")).to_contain_text("Your reply to Rita Reader is published.")
    assert admin.locator("#result_list", has_text="Rita Reader").count() == 0
    assert violations(admin) == []

    reply = Comment.objects.get(parent=rita)
    reader = new_page()
    reader.goto(f"{live_server.url}{seed_post.get_absolute_url()}")
    parent_item = reader.locator(f"li#comment-{rita.pk}")
    expect(parent_item).to_contain_text("Is marketing just selling at scale?")
    threaded = parent_item.locator(f"ol.children > li#comment-{reply.pk}")
    expect(threaded).to_contain_text("Not quite, Rita: marketing comes first.")
    expect(threaded).to_contain_text("Eddie Editor")


def test_the_admin_reply_form_is_the_articles_form(live_server, seed_post, new_page):
    make_editor(username="eddie")
    anna = CommentFactory(post=seed_post, status=Status.APPROVED, author_name="Anna Approved")

    reader = new_page()
    reader.goto(f"{live_server.url}{seed_post.get_absolute_url()}?replytocom={anna.pk}#respond")
    on_the_page = reader.locator("#respond").evaluate(READ_FORM)

    admin = sign_in(new_page, live_server)
    admin.goto(f"{live_server.url}/admin/comments/comment/?status=approved")
    admin.locator("#result_list tbody tr", has_text="Anna Approved").get_by_role(
        "link", name="Reply", exact=True
    ).click()
    inline = admin.locator("tr.inline-desk #respond")
    expect(inline).to_be_visible()
    in_the_admin = inline.evaluate(READ_FORM)

    assert on_the_page["title"] == "Reply to Anna Approved"
    # The article's form, less the reader's own boxes: an editor neither saves a cookie nor
    # subscribes to their own reply.
    readers_own = ("wp-comment-cookies-consent:", "subscribe_comments:", "notify_approval:")
    assert [f for f in on_the_page["fields"] if f.startswith(readers_own)] == [
        "wp-comment-cookies-consent:checkbox:false",
        "subscribe_comments:checkbox:false",
        "notify_approval:checkbox:false",
    ]
    assert in_the_admin == {
        **on_the_page,
        "labels": [label for label in on_the_page["labels"] if label[:4] not in ("Save", "Noti")],
        "fields": [f for f in on_the_page["fields"] if not f.startswith(readers_own)],
    }
    # "clear form" is a button like the admin's others, on the line of Submit.
    reset = inline.locator("input[type=reset]")
    submit = inline.locator("input[type=submit]")
    assert reset.evaluate("(el) => getComputedStyle(el).borderRadius") == "4px"
    assert abs(reset.bounding_box()["y"] - submit.bounding_box()["y"]) < 4
    assert "Learn how your comment data is processed." in in_the_admin["notice"]
    assert violations(admin) == []


def test_without_javascript_reply_opens_a_page(live_server, seed_post, browser):
    make_editor(username="eddie")
    CommentFactory(post=seed_post, status=Status.PENDING, author_name="Nora Noscript")
    context = browser.new_context(java_script_enabled=False)
    try:
        admin = context.new_page()
        admin.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
        admin.get_by_label("Username").fill("eddie")
        admin.get_by_label("Password").fill("correct horse battery")
        admin.get_by_role("button", name="Log in").click()
        admin.locator("#result_list tbody tr", has_text="Nora Noscript").get_by_role(
            "link", name="Reply", exact=True
        ).click()
        expect(admin.get_by_role("heading", name="Reply to Nora Noscript")).to_be_visible()
        assert "/reply/" in admin.url
    finally:
        context.close()


def test_row_buttons_act_at_once_and_quick_edit_saves_inline(live_server, seed_post, new_page):
    make_editor(username="eddie")
    CommentFactory(post=seed_post, status=Status.PENDING, author_name="Otto Once")
    typo = CommentFactory(
        post=seed_post, status=Status.PENDING, author_name="Tina Typo", content="Teh text."
    )
    admin = sign_in(new_page, live_server)

    row = admin.locator("#result_list tbody tr", has_text="Otto Once")
    row.get_by_role("button", name="Approve", exact=True).click()
    # In place: the row says so, and offers Undo (tests/e2e/test_moderation_queue_in_browser.py).
    expect(admin.locator("#result_list tr.row-moved-row")).to_contain_text("1 comment approved.")
    assert admin.locator("#result_list", has_text="Otto Once").count() == 0

    row = admin.locator("#result_list tbody tr", has_text="Tina Typo")
    row.get_by_role("link", name="Quick edit").click()
    inline = admin.locator("tr.inline-desk")
    expect(inline.get_by_label("Comment")).to_have_value("Teh text.")
    inline.get_by_label("Comment").fill("The text.")
    with admin.expect_navigation():
        inline.get_by_role("button", name="Update comment").click()

    expect(admin.locator(".messagelist")).to_contain_text("Comment by Tina Typo saved.")
    typo.refresh_from_db()
    assert typo.content == "The text."
    assert typo.events.filter(action="edited").exists()
    assert violations(admin) == []
