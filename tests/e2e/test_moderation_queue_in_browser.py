"""The queue in a real browser at 1,280 px: its layout, row actions in place, Undo, shortcuts."""

import itertools

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status
from tests.e2e.test_csp_in_browser import violations
from tests.e2e.test_editors_desk_in_browser import sign_in
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TEXT = (
    "Marketing and selling are two halves of one job, and the order matters more than most "
    "people think: the first makes the second possible, the second pays for the first. "
) * 3


def test_at_1280_px_the_comment_column_gets_the_width(live_server, seed_post, new_page, screenshot):
    make_editor(username="eddie")
    CommentFactory(
        post=seed_post,
        status=Status.PENDING,
        author_name="Maximilian Longname-Example",
        author_email="maximilian.longname-example@correspondence.example.com",
        author_url="https://maximilian-longname-example.example.com/about/me/",
        content=LONG_TEXT,
    )
    CommentFactory.create_batch(3, post=seed_post, status=Status.PENDING)
    admin = sign_in(new_page, live_server)

    screenshot(admin, "queue-at-1280")
    comment = admin.locator("#result_list tbody tr td.field-comment_column").first
    author = admin.locator("#result_list tbody tr td.field-author_column").first
    assert comment.bounding_box()["width"] >= 400
    assert author.bounding_box()["width"] <= 260
    # No horizontal scroll bar, on the page or the table.
    assert admin.evaluate("document.documentElement.scrollWidth") <= 1280
    results = admin.locator("#changelist .results")
    assert results.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    # The email breaks before its "@" or a dot, never inside a word.
    maximilian = admin.locator("#result_list tbody tr", has_text="Maximilian")
    email = maximilian.locator(".comment-author a.author-email")
    lines = email.evaluate(
        """(el) => {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const range = document.createRange(), lines = [];
          let top = null, line = "";
          for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            for (let i = 0; i < text.length; i++) {
              range.setStart(text, i); range.setEnd(text, i + 1);
              const y = Math.round(range.getBoundingClientRect().top);
              if (top !== null && y > top + 2) { lines.push(line); line = ""; }
              top = y; line += text.data[i];
            }
          }
          lines.push(line);
          return lines;
        }"""
    )
    assert len(lines) > 1
    for before, line in itertools.pairwise(lines):
        assert line[0] in "@." or before.endswith("-"), lines
    # The website takes one line, cut with "…", and is whole in its title.
    website = maximilian.locator(".comment-author a.author-url")
    assert website.get_attribute("title").startswith("https://maximilian-longname-example")
    assert website.evaluate("(el) => el.scrollWidth > el.clientWidth")
    screenshot(admin, "queue-at-1280-after")
    assert violations(admin) == []


def row_of(admin, name):
    return admin.locator("#result_list tbody tr", has_text=name)


def stays_on_the_page(admin):
    """Mark the page's window: a reload or navigation loses the mark."""
    admin.evaluate("window.stillHere = true")
    return lambda: admin.evaluate("window.stillHere === true")


def status_of(comment) -> str:
    return Comment.objects.values_list("status", flat=True).get(pk=comment.pk)


def test_a_row_move_happens_in_place_and_undo_puts_it_back(
    live_server, seed_post, new_page, screenshot
):
    make_editor(username="eddie")
    sam = CommentFactory(post=seed_post, status=Status.PENDING, author_name="Sam Sample")
    CommentFactory(post=seed_post, status=Status.PENDING, author_name="Other Olive")
    admin = sign_in(new_page, live_server)
    url = admin.url
    still_here = stays_on_the_page(admin)

    row = row_of(admin, "Sam Sample")
    row.get_by_role("button", name="Spam", exact=True).click()

    moved = admin.locator("#result_list tr.row-moved-row")
    expect(moved).to_contain_text("1 comment marked as spam.")
    assert status_of(sam) == Status.SPAM
    assert still_here()
    assert admin.url == url
    screenshot(admin, "queue-row-moved-with-undo")
    # The other rows are as they were.
    expect(
        row_of(admin, "Other Olive").get_by_role("button", name="Spam", exact=True)
    ).to_be_visible()

    moved.get_by_role("button", name="Undo").click()

    row = row_of(admin, "Sam Sample")
    expect(row.get_by_role("button", name="Approve", exact=True)).to_be_visible()
    expect(admin.locator("#result_list tr.row-moved-row")).to_have_count(0)
    assert status_of(sam) == Status.PENDING
    assert sam.events.latest("created_at", "pk").reason == "Undo."
    assert still_here()
    assert admin.url == url

    # The row's buttons work again after Undo: Trash, then Undo once more.
    row.get_by_role("button", name="Trash", exact=True).click()
    expect(admin.locator("#result_list tr.row-moved-row")).to_contain_text(
        "1 comment moved to the trash."
    )
    assert status_of(sam) == Status.TRASH
    admin.locator("#result_list tr.row-moved-row").get_by_role("button", name="Undo").click()
    expect(
        row_of(admin, "Sam Sample").get_by_role("button", name="Approve", exact=True)
    ).to_be_visible()
    assert status_of(sam) == Status.PENDING
    assert still_here()
    assert violations(admin) == []
    assert admin.console_errors == []


def test_without_javascript_a_row_move_reloads_and_the_message_offers_undo(
    live_server, seed_post, browser
):
    make_editor(username="eddie")
    nora = CommentFactory(post=seed_post, status=Status.PENDING, author_name="Nora Noscript")
    context = browser.new_context(java_script_enabled=False)
    try:
        admin = context.new_page()
        admin.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
        admin.get_by_label("Username").fill("eddie")
        admin.get_by_label("Password").fill("correct horse battery")
        admin.get_by_role("button", name="Log in").click()
        with admin.expect_navigation():
            row_of(admin, "Nora Noscript").get_by_role("button", name="Approve", exact=True).click()
        expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")
        assert status_of(nora) == Status.APPROVED

        with admin.expect_navigation():
            admin.locator(".messagelist").get_by_role("button", name="Undo").click()
        expect(admin.locator(".messagelist")).to_contain_text(
            "Undone: 1 comment is back where it was."
        )
        assert status_of(nora) == Status.PENDING
        expect(row_of(admin, "Nora Noscript")).to_be_visible()
    finally:
        context.close()


def test_keyboard_shortcuts_move_the_selection_and_act_on_it(live_server, seed_post, new_page):
    make_editor(username="eddie")
    older = CommentFactory(post=seed_post, status=Status.PENDING, author_name="Older Oscar")
    newest = CommentFactory(post=seed_post, status=Status.PENDING, author_name="Newest Nina")
    admin = sign_in(new_page, live_server)
    still_here = stays_on_the_page(admin)
    help_box = admin.locator("details.keyboard-shortcuts")
    expect(help_box).to_be_visible()
    help_box.locator("summary").click()
    expect(help_box).to_contain_text("select the next / previous comment")

    # Typed into a field, the keys are letters, not shortcuts.
    admin.locator("#searchbar").press_sequentially("jas")
    assert status_of(newest) == Status.PENDING
    admin.locator("#searchbar").fill("")
    admin.locator("#searchbar").blur()

    admin.keyboard.press("j")
    expect(admin.locator("#result_list tbody tr.is-selected")).to_contain_text("Newest Nina")
    admin.keyboard.press("a")
    expect(admin.locator("#result_list tr.row-moved-row")).to_contain_text("1 comment approved.")
    assert status_of(newest) == Status.APPROVED
    assert status_of(older) == Status.PENDING

    admin.keyboard.press("z")
    expect(
        row_of(admin, "Newest Nina").get_by_role("button", name="Approve", exact=True)
    ).to_be_visible()
    assert status_of(newest) == Status.PENDING

    admin.keyboard.press("j")
    expect(admin.locator("#result_list tbody tr.is-selected")).to_contain_text("Older Oscar")
    admin.keyboard.press("k")
    admin.keyboard.press("j")
    admin.keyboard.press("s")
    expect(admin.locator("#result_list tr.row-moved-row")).to_contain_text(
        "1 comment marked as spam."
    )
    assert status_of(older) == Status.SPAM
    admin.keyboard.press("z")
    expect(
        row_of(admin, "Older Oscar").get_by_role("button", name="Spam", exact=True)
    ).to_be_visible()
    assert status_of(older) == Status.PENDING

    admin.keyboard.press("d")
    expect(admin.locator("#result_list tr.row-moved-row")).to_contain_text("moved to the trash.")
    assert status_of(older) == Status.TRASH

    admin.keyboard.press("k")
    admin.keyboard.press("q")
    inline = admin.locator("tr.inline-desk")
    expect(inline.get_by_label("Comment")).to_be_visible()
    # In the quick-edit form the letters are typed, not obeyed.
    inline.get_by_label("Comment").press_sequentially(" jazz")
    assert status_of(newest) == Status.PENDING
    assert still_here()
    assert admin.console_errors == []
    assert violations(admin) == []


def test_every_count_on_the_queue_follows_each_move_without_a_reload(
    live_server, seed_post, new_page
):
    make_editor(username="eddie")
    for name in ["Ann One", "Ben Two", "Cy Three"]:
        CommentFactory(post=seed_post, status=Status.PENDING, author_name=name)
    admin = sign_in(new_page, live_server)
    still_here = stays_on_the_page(admin)
    filters = admin.locator("#changelist-filter")
    expect(filters).to_contain_text("Needs review (3)")
    expect(filters).to_contain_text("Spam (0)")
    expect(row_of(admin, "Cy Three").locator(".post-pending")).to_have_text("3 pending")

    row_of(admin, "Ann One").get_by_role("button", name="Spam", exact=True).click()

    expect(filters).to_contain_text("Needs review (2)")
    expect(filters).to_contain_text("Pending (2)")
    expect(filters).to_contain_text("Spam (1)")
    expect(row_of(admin, "Cy Three").locator(".post-pending")).to_have_text("2 pending")
    expect(row_of(admin, "Ben Two").locator(".post-pending")).to_have_text("2 pending")

    row_of(admin, "Ben Two").get_by_role("button", name="Trash", exact=True).click()

    expect(filters).to_contain_text("Needs review (1)")
    expect(filters).to_contain_text("Trash (1)")
    expect(row_of(admin, "Cy Three").locator(".post-pending")).to_have_text("1 pending")

    admin.locator("#result_list tr.row-moved-row", has_text="spam").get_by_role(
        "button", name="Undo"
    ).click()

    expect(filters).to_contain_text("Needs review (2)")
    expect(filters).to_contain_text("Spam (0)")
    expect(row_of(admin, "Cy Three").locator(".post-pending")).to_have_text("2 pending")
    expect(row_of(admin, "Ann One").locator(".post-pending")).to_have_text("2 pending")
    assert still_here()
    assert admin.console_errors == []
