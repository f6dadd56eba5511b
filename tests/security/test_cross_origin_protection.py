"""A comment form sent from another site's page is refused; no token is needed otherwise.

Anonymous readers' pages carry no CSRF token (they are shared by every reader), so the
comment POST is protected by what the browser says about where it came from
(`core.csrf.cross_origin_protect`). Signed-in users keep Django's token check as well.
"""

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.commenting import form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post_from(client, post, **headers):
    return client.post(f"/comments/post/{post.pk}/", form_data(post), headers=headers)


@pytest.mark.parametrize("fetch_site", ["same-origin", "none"])
def test_a_browser_sending_our_own_form_is_accepted(post, fetch_site):
    response = post_from(
        Client(enforce_csrf_checks=True),
        post,
        sec_fetch_site=fetch_site,
        origin="http://testserver",
    )

    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", "Cross-Site", "nonsense"])
def test_a_form_another_site_sent_is_refused_with_our_403(post, fetch_site):
    # The Origin header is not consulted when the browser sent Sec-Fetch-Site.
    response = post_from(Client(), post, sec_fetch_site=fetch_site, origin="http://testserver")

    assert response.status_code == 403
    assert "another site" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.evil"])
def test_an_older_browser_posting_from_another_origin_is_refused(post, origin):
    response = post_from(Client(), post, origin=origin)

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_an_older_browser_posting_from_one_of_our_origins_is_accepted(post, settings):
    settings.SITE_URL = "https://blog.example.com"
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.com"]
    for n, origin in enumerate(
        ["http://testserver", "https://blog.example.com", "https://www.example.com"]
    ):
        response = Client().post(
            f"/comments/post/{post.pk}/",
            form_data(post, email=f"reader{n}@example.com", comment=f"From {origin}"),
            headers={"origin": origin},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
        assert response.status_code == 302, origin
    assert Comment.objects.count() == 3


def test_a_request_without_browser_headers_gets_through_to_the_normal_rules(post):
    # Like curl: no Sec-Fetch-Site, no Origin, no cookies. The form's own rules still apply.
    accepted = post_from(Client(enforce_csrf_checks=True), post)
    refused = Client(enforce_csrf_checks=True).post(
        f"/comments/post/{post.pk}/", form_data(post, email="not an address")
    )

    assert accepted.status_code == 302
    assert refused.status_code == 400


@pytest.fixture
def staff_browser(db):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(username="staff-writer", is_staff=True))
    return browser


def test_a_staff_members_form_carries_a_token_and_needs_it(staff_browser, post):
    page = staff_browser.get(post.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page

    without_token = post_from(staff_browser, post, sec_fetch_site="same-origin")
    forged = staff_browser.post(
        f"/comments/post/{post.pk}/",
        {**form_data(post), "csrfmiddlewaretoken": "forged" * 10 + "abcd"},
        headers={"sec-fetch-site": "same-origin"},
    )

    assert without_token.status_code == forged.status_code == 403
    assert "reload the page" in without_token.content.decode()
    assert Comment.objects.count() == 0


def test_a_staff_members_genuine_token_is_accepted(staff_browser, post):
    staff_browser.get(post.get_absolute_url())
    token = staff_browser.cookies["csrftoken"].value

    response = staff_browser.post(
        f"/comments/post/{post.pk}/",
        {**form_data(post), "csrfmiddlewaretoken": token},
        headers={"sec-fetch-site": "same-origin"},
    )

    assert response.status_code == 302


def test_a_staff_members_form_from_another_site_is_refused_even_with_the_token(staff_browser, post):
    staff_browser.get(post.get_absolute_url())
    token = staff_browser.cookies["csrftoken"].value

    response = staff_browser.post(
        f"/comments/post/{post.pk}/",
        {**form_data(post), "csrfmiddlewaretoken": token},
        headers={"sec-fetch-site": "cross-site"},
    )

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_the_admin_still_requires_its_token_whatever_the_browser_says(db):
    UserFactory(username="editor", is_staff=True)
    browser = Client(enforce_csrf_checks=True)
    browser.get("/admin/login/")

    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "correct horse battery"},
        headers={"sec-fetch-site": "same-origin", "origin": "http://testserver"},
    )

    assert response.status_code == 403
    assert "reload the page" in response.content.decode()
