import pytest
from playwright.sync_api import expect

from comments.models import Status, Verdict
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# This machine has no internet: Gravatar answers with a plain local placeholder.
AVATAR = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    '<rect width="40" height="40" fill="#8aa9c1"/><circle cx="20" cy="16" r="8" fill="#fff"/>'
    '<rect x="8" y="27" width="24" height="13" rx="6" fill="#fff"/></svg>'
)


def editor_page(new_page):
    """Open an editor's browser context whose Gravatar requests get a local placeholder."""
    admin = new_page()
    admin.route(
        "https://www.gravatar.com/**",
        lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=AVATAR),
    )
    return admin


def run_action_on(admin, author, action):
    row = admin.locator("#result_list tbody tr", has_text=author)
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option(action)
    admin.get_by_role("button", name="Go").click()
    admin.wait_for_load_state()


def test_editor_moderates_in_the_admin_and_the_reader_sees_the_result(
    live_server, seed_post, new_page, screenshot
):
    make_editor(username="eddie")
    welcome = CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        spam_verdict=Verdict.HAM,
        author_name="Patient Pat",
        content="Marketing first, then selling. This matches what I see every day.",
    )
    CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        spam_verdict=Verdict.HAM,
        author_name="Casino Carl",
        content="Great post! Visit my casino for cheap bonuses.",
        hold_reason="moderation word 'casino'",
    )
    CommentFactory(
        post=seed_post,
        status=Status.AWAITING_CHECK,
        spam_verdict=Verdict.ERROR,
        author_name="Quiet Quinn",
        content="Does this apply to B2B sales too?",
    )
    CommentFactory.create_batch(4, post=seed_post, status=Status.SPAM, spam_verdict=Verdict.SPAM)
    CommentFactory.create_batch(3, post=seed_post, status=Status.APPROVED, spam_verdict="ham")

    admin = editor_page(new_page)
    admin.set_viewport_size({"width": 1400, "height": 900})
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/")
    admin.get_by_label("Username").fill("eddie")
    admin.get_by_label("Password").fill("correct horse battery")
    admin.get_by_role("button", name="Log in").click()

    dashboard = admin.locator(".moderation-dashboard")
    expect(dashboard.get_by_role("link", name="2 pending")).to_be_visible()
    expect(admin.get_by_role("img", name="Comments per day, last 30 days")).to_be_visible()
    screenshot(admin, "moderation-dashboard")

    dashboard.get_by_role("link", name="Open the moderation queue").click()
    expect(admin.get_by_role("heading", name="Comments that need review")).to_be_visible()
    expect(admin.get_by_text("Held: moderation word 'casino'")).to_be_visible()
    expect(admin.get_by_text("Awaiting spam check", exact=True).first).to_be_visible()
    screenshot(admin, "moderation-queue")

    run_action_on(admin, "Patient Pat", "approve_comments")
    expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")
    assert admin.locator("#result_list", has_text="Patient Pat").count() == 0

    reader = new_page()
    reader.goto(f"{live_server.url}{seed_post.get_absolute_url()}")
    approved = reader.locator(f"li#comment-{welcome.pk}")
    expect(approved).to_be_visible()
    assert "Marketing first, then selling." in approved.inner_text()
    assert reader.get_by_text("Visit my casino").count() == 0

    run_action_on(admin, "Casino Carl", "spam_comments")
    expect(admin.locator(".messagelist")).to_contain_text("1 comment marked as spam.")
    assert admin.locator("#result_list", has_text="Casino Carl").count() == 0
    admin.get_by_role("link", name="Spam (5)").click()
    screenshot(admin, "moderation-spam")
    expect(admin.get_by_text("Flagged as spam by eddie")).to_be_visible()
    # Nothing the strict CSP refused (no inline styles or scripts in our templates).
    assert not [e for e in admin.console_errors if "Content Security Policy" in e]


def test_editor_follows_the_email_link_confirms_and_sees_the_history(
    live_server, seed_post, new_page, screenshot
):
    make_editor(username="eddie")
    comment = CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        spam_verdict=Verdict.HAM,
        author_name="Linked Lou",
        content="I came from the notification email.",
        akismet_payload={"comment_author": "Linked Lou", "user_ip": "203.0.113.7"},
    )
    admin = editor_page(new_page)

    # The link in the email leads through the login form to a confirmation.
    admin.goto(f"{live_server.url}/admin/comments/comment/{comment.pk}/approve/")
    admin.get_by_label("Username").fill("eddie")
    admin.get_by_label("Password").fill("correct horse battery")
    admin.get_by_role("button", name="Log in").click()
    expect(admin.get_by_role("heading", name="Approve this comment?")).to_be_visible()
    expect(admin.get_by_text("I came from the notification email.")).to_be_visible()
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")

    admin.goto(f"{live_server.url}/admin/comments/comment/{comment.pk}/change/")
    history = admin.locator("table.comment-history")
    expect(history).to_contain_text("Approved")
    expect(history).to_contain_text("eddie")
    expect(admin.locator("pre.akismet-payload")).to_contain_text('"comment_author": "Linked Lou"')
    screenshot(admin, "moderation-comment-history")
    assert not [e for e in admin.console_errors if "Content Security Policy" in e]
