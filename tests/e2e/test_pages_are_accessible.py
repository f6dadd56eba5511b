"""axe-core finds no violation on reader and editors' pages, in light and dark schemes."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment, Status
from tests.auditors import axe
from tests.auditors.site import build_reader_site
from tests.e2e.conftest import EXPECT_TIMEOUT_MS
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMES = ["light", "dark"]


@pytest.fixture
def reader_site(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 3
    return build_reader_site(client)


def audit(browser, base_url, pages, scheme, *, sign_in=None) -> dict[str, list[dict]]:
    # Our CSP allows only our own scripts; axe is injected by the test, not the site.
    context = browser.new_context(
        color_scheme=scheme, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.set_default_timeout(EXPECT_TIMEOUT_MS)
        page.route("https://www.gravatar.com/**", lambda route: route.fulfill(status=204))
        if sign_in:
            sign_in(page, base_url)
        found = {}
        for name, url in pages.items():
            page.goto(f"{base_url}{url}")
            found[f"{name} ({scheme})"] = axe.violations(page)
        return found
    finally:
        context.close()


def editor_signs_in(page, base_url):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reader_pages_have_no_axe_violations(live_server, browser, reader_site, scheme):
    axe.require_axe()

    found = audit(browser, live_server.url, reader_site.pages, scheme)

    print(axe.describe(found) or "axe found no violation.")
    assert {name: v for name, v in found.items() if v} == {}, axe.describe(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_editors_pages_have_no_axe_violations(live_server, browser, reader_site, scheme):
    axe.require_axe()
    make_editor(username="eddie")
    post = reader_site.threaded
    CommentFactory(post=post, status=Status.PENDING, author_name="Pat Pending")
    CommentFactory(post=reader_site.untitled, status=Status.PENDING, author_name="Nia Notitle")
    comment = Comment.objects.filter(post=post, status=Status.APPROVED).first()
    pages = {
        "dashboard": "/admin/",
        "comment queue": "/admin/comments/comment/",
        "approved comments": "/admin/comments/comment/?status__exact=approved",
        "comment change form": f"/admin/comments/comment/{comment.pk}/change/",
        "reply page": f"/admin/comments/comment/{comment.pk}/reply/",
        "quick edit": f"/admin/comments/comment/{comment.pk}/quick-edit/",
        "post changelist": "/admin/blog/post/",
        "post change form": f"/admin/blog/post/{post.pk}/change/",
        "new post": "/admin/blog/post/add/",
        "untitled post change form": (
            f"/admin/blog/post/{Post.objects.get(slug='untitled-note').pk}/change/"
        ),
    }

    found = audit(browser, live_server.url, pages, scheme, sign_in=editor_signs_in)

    print(axe.describe(found) or "axe found no violation.")
    assert {name: v for name, v in found.items() if v} == {}, axe.describe(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_queues_selected_row_has_no_axe_violations(live_server, browser, reader_site, scheme):
    axe.require_axe()
    make_editor(username="eddie")
    CommentFactory.create_batch(2, post=reader_site.threaded, status=Status.PENDING)
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        page.route("https://www.gravatar.com/**", lambda route: route.fulfill(status=204))
        editor_signs_in(page, live_server.url)
        page.goto(f"{live_server.url}/admin/comments/comment/")
        page.keyboard.press("j")
        expect(page.locator("#result_list tbody tr.is-selected")).to_have_count(1)

        found = {f"selected row ({scheme})": axe.violations(page)}
    finally:
        context.close()

    print(axe.describe(found) or "axe found no violation.")
    assert {name: v for name, v in found.items() if v} == {}, axe.describe(found)
