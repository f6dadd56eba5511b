"""On a 390 px phone nothing widens the page, and right-to-left comments read right to left."""

import pytest

from comments.models import Status
from tests.auditors.site import LONG_TITLE
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_a_long_unbroken_title_does_not_widen_the_page_on_a_phone(live_server, phone):
    post = PostFactory(title=LONG_TITLE, slug="long", body=f"{LONG_TITLE}\n\nAnd more.")
    CommentFactory(post=post, status=Status.APPROVED, author_name=LONG_TITLE, content=LONG_TITLE)

    for url in ["/", post.get_absolute_url(), "/search/?q=" + LONG_TITLE[:40]]:
        phone.goto(f"{live_server.url}{url}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url


def test_arabic_and_hebrew_comments_read_right_to_left(live_server, page):
    post = PostFactory()
    CommentFactory(post=post, status=Status.APPROVED, author_name="سارة", content="التسويق محادثة.")
    CommentFactory(post=post, status=Status.APPROVED, author_name="Dan", content="שיווק הוא שיחה.")
    CommentFactory(post=post, status=Status.APPROVED, author_name="Ann", content="Plain English.")

    page.goto(f"{live_server.url}{post.get_absolute_url()}")

    # dir="auto" takes the direction of the text's first strong character.
    aligned = page.locator(".comment-content p").evaluate_all(
        "(els) => els.map((el) => el.matches(':dir(rtl)'))"
    )
    assert aligned == [True, True, False]
