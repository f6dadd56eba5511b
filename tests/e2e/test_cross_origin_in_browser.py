"""In a real browser: a comment form on another site's page is refused, ours is accepted."""

import time

import pytest

from comments.intake import policy
from comments.models import Comment
from core import csrf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


@pytest.fixture
def fetch_sites(monkeypatch):
    """Record the Sec-Fetch-Site header of each form the site receives."""
    seen = []
    judge = csrf.is_cross_origin

    def recording(request):
        seen.append(request.headers.get("Sec-Fetch-Site"))
        return judge(request)

    monkeypatch.setattr(csrf, "is_cross_origin", recording)
    return seen


def other_sites_page(action: str, form_ts: str) -> str:
    return f"""<!doctype html><title>Win a prize</title>
<form id="evil" method="post" action="{action}">
  <input name="author" value="Mallory"><input name="email" value="mallory@example.com">
  <input name="comment" value="Posted from another site."><input name="form_ts" value="{form_ts}">
  <button type="submit">Claim</button>
</form>"""


def test_a_form_on_another_site_posting_to_us_is_refused(live_server, seed_post, page, fetch_sites):
    # live_server answers on http://localhost:PORT; http://127.0.0.1:PORT is another site,
    # and chromium says so: Sec-Fetch-Site: cross-site.
    other_origin = live_server.url.replace("localhost", "127.0.0.1")
    assert other_origin != live_server.url
    form_ts = policy.form_timestamp(seed_post, issued_at=time.time() - 60)
    html = other_sites_page(f"{live_server.url}/comments/post/{seed_post.pk}/", form_ts)
    page.route(
        f"{other_origin}/prize",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(f"{other_origin}/prize")
    with page.expect_response(lambda r: "/comments/post/" in r.url) as answer:
        page.get_by_role("button", name="Claim").click()

    assert answer.value.status == 403
    assert fetch_sites == ["cross-site"]
    page.wait_for_load_state()
    assert page.get_by_text("sent to this site from a page of another site").is_visible()
    assert not Comment.objects.exists()


def test_our_own_form_is_accepted_without_any_token(
    live_server, seed_post, page, settings, fetch_sites
):
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    page.goto(live_server.url + ARTICLE)
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    assert page.context.cookies() == []
    page.get_by_label("Name *", exact=True).fill("Grace Reader")
    page.get_by_label("Email *", exact=True).fill("grace@example.com")
    page.get_by_label("Comment *", exact=True).fill("Sent from the article itself.")
    with page.expect_response(lambda r: "/comments/post/" in r.url) as answer:
        page.get_by_role("button", name="Submit").click()

    assert answer.value.status == 302
    assert fetch_sites == ["same-origin"]
    page.wait_for_load_state()
    assert page.get_by_text("Your comment is awaiting moderation.").is_visible()
    assert Comment.objects.filter(content="Sent from the article itself.").exists()
