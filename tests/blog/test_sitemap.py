"""The sitemap search engines read (issue 28): home and authors, real dates, cached."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import call_command

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

WILD = Path(__file__).resolve().parents[3] / "shared" / "wxr-wild"
# A real blog's export (WordPress 5.9) whose posts carry their own modified dates.
EXPORT = WILD / "wp593-2022-meersegler-de-cpt.xml"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def entries(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: (
            url.find("s:lastmod", NS).text if url.find("s:lastmod", NS) is not None else ""
        )
        for url in root.findall("s:url", NS)
    }


def test_the_sitemap_lists_the_home_page_and_each_author(client, post):
    found = entries(client)

    assert "http://testserver/" in found
    assert found["http://testserver/"].startswith(f"{post.updated_at:%Y-%m-%d}")
    assert f"http://testserver/author/{post.author.get_username()}/" in found
    assert f"http://testserver{post.get_absolute_url()}" in found


def test_an_author_whose_login_no_address_can_hold_is_left_out_of_the_sitemap(client, post):
    # An imported WordPress login may hold a "/": such an author has no archive to list.
    post.author.username = "a/b"
    post.author.save()

    found = entries(client)

    assert f"http://testserver{post.get_absolute_url()}" in found
    assert not [address for address in found if "/author/" in address]


def test_the_sitemap_is_served_with_validators_and_answers_304_without_rendering(
    client, post, django_assert_max_num_queries
):
    first = client.get("/sitemap.xml")
    assert "public" in first["Cache-Control"]
    assert first["ETag"]

    with django_assert_max_num_queries(1):
        again = client.get("/sitemap.xml", headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    PostFactory(title="Something new")
    assert client.get("/sitemap.xml", headers={"if-none-match": first["ETag"]}).status_code == 200


# A real export is big enough for the import to write its progress (wordpress/runs.py).
@pytest.mark.django_db(databases=["default", "progress"])
def test_an_imported_post_has_its_own_modified_date_not_the_import_date(client):
    if not EXPORT.exists():
        pytest.skip(f"the real exports are not here ({EXPORT}): see ../shared/wxr-wild/")
    items = re.findall(rb"<item>.*?</item>", EXPORT.read_bytes(), flags=re.S)
    published = [
        i
        for i in items
        if b"<wp:status><![CDATA[publish]]>" in i and b"<wp:post_type><![CDATA[post]]>" in i
    ]
    item = published[0]
    slug = re.search(rb"<wp:post_name><!\[CDATA\[(.*?)\]\]>", item)[1].decode()
    modified = re.search(rb"<wp:post_modified_gmt><!\[CDATA\[(.*?)\]\]>", item)[1].decode()
    call_command("import_wordpress", str(EXPORT), verbosity=0)

    post = Post.objects.get(slug=slug)
    expected = datetime.fromisoformat(modified).replace(tzinfo=UTC)
    assert post.updated_at == max(expected, post.published_at)
    assert entries(client)[f"http://testserver{post.get_absolute_url()}"].startswith(
        f"{post.last_modified:%Y-%m-%d}"
    )
    assert post.updated_at.date() < datetime.now(UTC).date()
