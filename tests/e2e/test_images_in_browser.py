"""An editor uploads a photo in the admin; readers see it on the article under the strict CSP."""

import pytest

from blog.models import Image
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.factories import PostFactory, UserFactory
from tests.media import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = "Array.from(document.querySelectorAll('{0}')).map(img => [img.src, img.naturalWidth])"


@pytest.fixture
def watched_page(page):
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    return page


def upload_in_the_admin(page, live_server) -> Image:
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/blog/image/add/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_label("File").set_input_files(str(samples.PHOTO_PATH))
    page.get_by_label("Alt text").fill("Grace Hopper in uniform")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    image = Image.objects.get()
    # The editor reads the Markdown to paste, and the thumbnail shows in the library.
    assert page.get_by_text(image.markdown()).first.is_visible()
    thumbnails = page.evaluate(SHOWN.format("#result_list img"))
    assert thumbnails
    assert all(width > 0 for _src, width in thumbnails)
    return image


def read_article(page, live_server, image) -> list:
    post = PostFactory(
        title="Amazing Grace", body=f"A portrait.\n\n{image.markdown()}", featured_image=image
    )
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    return page.evaluate(SHOWN.format(".featured-image img, .post-body img"))


def test_an_uploaded_photo_shows_on_the_article_under_the_csp(
    live_server, media_root, watched_page, screenshot
):
    page = watched_page
    image = upload_in_the_admin(page, live_server)

    shown = read_article(page, live_server, image)

    assert [src for src, _width in shown] == [f"{live_server.url}/media/{image.file.name}"] * 2
    assert all(width == 512 for _src, width in shown)
    assert violations(page) == []
    screenshot(page, "article-with-uploaded-image")


def test_a_photo_kept_in_s3_shows_on_the_article_under_the_csp(live_server, s3_media, watched_page):
    page = watched_page
    image = upload_in_the_admin(page, live_server)

    shown = read_article(page, live_server, image)

    assert [src for src, _width in shown] == [f"{s3_media.url}{image.file.name}"] * 2
    assert all(width == 512 for _src, width in shown)
    assert violations(page) == []
