from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def state_column(client, post):
    page = BeautifulSoup(client.get("/admin/blog/post/").content, "html.parser")
    link = page.find("a", string=post.title)
    return link.find_parent("tr").select_one("td.field-publication_state").get_text(strip=True)


def test_a_post_published_in_the_future_is_labelled_scheduled_in_the_admin_list(editor_client):
    scheduled = PostFactory(published_at=timezone.now() + timedelta(days=2), title="Tomorrow")
    live = PostFactory(title="Already out")
    draft = PostFactory(status=Post.Status.DRAFT, title="Half written")
    assert state_column(editor_client, scheduled) == "Scheduled"
    assert state_column(editor_client, live) == "Published"
    assert state_column(editor_client, draft) == "Draft"


def test_a_scheduled_post_stays_hidden_from_readers_until_its_time(client):
    scheduled = PostFactory(published_at=timezone.now() + timedelta(days=2))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def form_data(post, **changes):
    local = timezone.localtime(post.published_at)
    data = {
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "copyright_notice": post.copyright_notice,
        "status": post.status,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "author": post.author_id,
        "comments_open": "on",
        "kind": post.kind,
        "body_format": post.body_format,
    }
    return {**data, **changes}


def test_the_change_page_has_a_preview_button_that_opens_without_saving(editor_client, post):
    page = BeautifulSoup(
        editor_client.get(f"/admin/blog/post/{post.pk}/change/").content, "html.parser"
    )
    button = page.find("button", string="Preview")
    assert button["formaction"] == f"/admin/blog/post/{post.pk}/preview/"
    assert button["formtarget"] == "_blank"
    assert button.find_parent("form")["id"] == "post_form"
    add_page = BeautifulSoup(editor_client.get("/admin/blog/post/add/").content, "html.parser")
    assert add_page.find("button", string="Preview")["formaction"] == "/admin/blog/post/preview/"


def test_preview_shows_the_post_as_readers_will_see_it_without_saving(editor_client, post):
    original_body = post.body
    response = editor_client.post(
        f"/admin/blog/post/{post.pk}/preview/",
        form_data(post, title="A better title", body="## Fresh\n\nWith *Markdown*."),
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    article = page.select_one("article.post")
    assert article.h1.get_text() == "A better title"
    assert article.select_one(".post-body h2").get_text() == "Fresh"
    assert article.select_one(".post-body em").get_text() == "Markdown"
    assert article.select_one(".byline .author").get_text() == "Ada Author"
    # The reader's page: the site's own stylesheet, nothing inline, a strict policy, no cache.
    assert page.select_one("link[rel=stylesheet]")["href"].startswith("/static/blog/site")
    assert not [script for script in page.find_all("script") if not script.get("src")]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"]
    post.refresh_from_db()
    assert post.title != "A better title"
    assert post.body == original_body


def test_preview_of_a_new_post_sanitises_hostile_markdown(editor_client, post):
    response = editor_client.post(
        "/admin/blog/post/preview/",
        form_data(post, slug="new-one", body="[x](javascript:alert(1)) <script>alert(1)</script>"),
    )
    body = BeautifulSoup(response.content, "html.parser").select_one(".post-body")
    assert body.find("script") is None
    assert body.find("a") is None
    assert "<script>alert(1)</script>" in body.get_text()
    assert Post.objects.count() == 1


def test_preview_with_missing_fields_says_which_to_fix(editor_client, post):
    response = editor_client.post(
        f"/admin/blog/post/{post.pk}/preview/", form_data(post, title="", body="")
    )
    assert response.status_code == 400
    errors = BeautifulSoup(response.content, "html.parser").select_one(".error-summary")
    assert "Title: This field is required." in errors.get_text()
    assert "Body: This field is required." in errors.get_text()


def test_preview_needs_an_editor_who_may_change_the_post(client, post):
    client.force_login(UserFactory(username="helper", is_staff=True))
    response = client.post(f"/admin/blog/post/{post.pk}/preview/", form_data(post))
    assert response.status_code == 403
    client.logout()
    response = client.post(f"/admin/blog/post/{post.pk}/preview/", form_data(post))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_saving_a_post_in_the_admin_stores_its_rendering(editor_client, post):
    response = editor_client.post(
        f"/admin/blog/post/{post.pk}/change/", form_data(post, body="Now **bold**.")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body_html == "<p>Now <strong>bold</strong>.</p>\n"


def test_an_editor_writes_an_excerpt_that_the_home_list_shows_and_clears_it_again(
    editor_client, post, a_second_passes
):
    change = f"/admin/blog/post/{post.pk}/change/"
    page = BeautifulSoup(editor_client.get(change).content, "html.parser")
    assert page.select_one("textarea[name=custom_excerpt]") is not None

    response = editor_client.post(change, form_data(post, custom_excerpt="In one line."))
    assert response.status_code == 302
    a_second_passes()
    summary = BeautifulSoup(editor_client.get("/").content, "html.parser").select_one(
        "article.post-summary"
    )
    assert "In one line." in summary.get_text()
    assert "First paragraph about marketing." not in summary.get_text()

    editor_client.post(change, form_data(post, custom_excerpt=""))
    a_second_passes()
    summary = BeautifulSoup(editor_client.get("/").content, "html.parser").select_one(
        "article.post-summary"
    )
    assert "First paragraph about marketing." in summary.get_text()


def test_preview_of_an_imported_html_post_shows_its_html_sanitised(editor_client):
    post = PostFactory(body_format=Post.BodyFormat.HTML, body="<p>Old <strong>bold</strong></p>")

    response = editor_client.post(
        f"/admin/blog/post/{post.pk}/preview/",
        form_data(post, body="<p>New <em>words</em></p><script>alert(1)</script>"),
    )

    body = BeautifulSoup(response.content, "html.parser").select_one(".post-body")
    assert response.status_code == 200
    assert body.find("em").get_text() == "words"
    assert "<em>" not in body.get_text()
    assert body.find("script") is None
    assert body.find("p").get_text() == "New words"
