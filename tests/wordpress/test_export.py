"""An editor leaves the same way: `manage.py export_wordpress` writes a WXR 1.2 file."""

import re
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from blog.images import store_image
from blog.models import Category, Image, Post
from comments.models import Comment, Status
from redirects.models import OldLink
from tests.factories import CommentFactory, PostFactory
from tests.media import samples
from wordpress import wxr
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = StringIO()
    call_command("export_wordpress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def site(db):
    marketing = Category.objects.create(name="Marketing", slug="marketing")
    branding = Category.objects.create(name="Branding", slug="branding", parent=marketing)
    post = PostFactory(
        title="Sell & tell <now>",
        body="A *Markdown* body.\n\nTwo.",
        sticky=True,
        custom_excerpt="Selling <vs> telling & more",
    )
    post.categories.add(branding)
    post.tags.add("Sales")
    about = PostFactory(kind=Post.Kind.PAGE, slug="about", title="About")
    PostFactory(kind=Post.Kind.PAGE, slug="team", title="Team", parent=about)
    PostFactory(status=Post.Status.DRAFT, slug="draft", title="Draft")
    top = CommentFactory(post=post, content="Top & first\n\nwith https://example.com/ link")
    reply = CommentFactory(post=post, parent=top, status=Status.PENDING)
    CommentFactory(post=post, parent=reply, status=Status.SPAM)
    CommentFactory(post=about, status=Status.TRASH, author_name="Ann «Reader»")
    CommentFactory(
        post=post,
        kind=Comment.Kind.PINGBACK,
        author_name="Other Blog » On selling",
        author_email="",
        author_url="https://other.example.com/on-selling/",
        content="[…] as they say […]",
    )
    return post


def test_the_export_is_wxr_1_2_with_every_kind_of_content(site):
    text = export()
    records = list(wxr.read(BytesIO(text.encode())))
    channel = records[-1][0]
    items = [r for _c, r in records if isinstance(r, wxr.Item)]

    assert channel.wxr_version == "1.2"
    assert {item.type for item in items} == {"post", "page"}
    assert {item.status for item in items} == {"publish", "draft"}
    hello = next(item for item in items if item.slug == site.slug)
    assert hello.sticky
    assert ("category", "branding", "Branding") in hello.terms
    assert ("post_tag", "sales", "Sales") in hello.terms
    assert sorted(c.approved for c in hello.comments) == ["0", "1", "1", "spam"]
    assert sorted(c.type for c in hello.comments) == ["comment", "comment", "comment", "pingback"]
    assert hello.excerpt == "Selling &lt;vs&gt; telling &amp; more"
    parents = {c.wp_id: c.parent for c in hello.comments if c.type == "comment"}
    assert sorted(parents.values())[1:] == sorted(parents)[:2]
    assert "<wp:category_parent><![CDATA[marketing]]></wp:category_parent>" in text


def test_no_personal_data_leaves_out_emails_and_addresses(site):
    text = export("--no-personal-data")

    assert "@example.com" not in text
    assert "203.0.113.7" not in text
    assert "<wp:comment_author_email><![CDATA[]]></wp:comment_author_email>" in text


def test_export_import_export_gives_the_same_file(site, tmp_path):
    first = export()
    (tmp_path / "site.xml").write_text(first)
    Comment.objects.all().delete()
    Post.objects.update(parent=None)
    Post.objects.all().delete()
    Category.objects.update(parent=None)
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not ImportedItem.objects.exists()
    assert not OldLink.objects.exists()

    call_command("import_wordpress", str(tmp_path / "site.xml"), stdout=StringIO())
    second = export()

    def without_date(text):
        return re.sub(r"\t<pubDate>[^<]*</pubDate>\n\t<language>", "", text, count=1)

    assert Post.objects.count() == 4
    assert without_date(second) == without_date(first)
    again = Post.objects.get(slug=site.slug)
    assert again.custom_excerpt == "Selling <vs> telling & more"
    ping = again.comments.get(kind=Comment.Kind.PINGBACK)
    assert ping.author_url == "https://other.example.com/on-selling/"


# --- From the admin, with absolute addresses and the images (issue 27) ------------------


def wipe() -> None:
    """Empty the site as a fresh database is: no posts, comments, terms, people or images."""
    Comment.objects.all().delete()
    Post.objects.update(parent=None, featured_image=None)
    Post.objects.all().delete()
    Image.objects.all().delete()
    Category.objects.update(parent=None)
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    ImportedItem.objects.all().delete()
    OldLink.objects.all().delete()


def without_date(text: str) -> str:
    return re.sub(r"\t<pubDate>[^<]*</pubDate>\n\t<language>", "", text, count=1)


@pytest.fixture
def pictured(db, media_root, settings):
    settings.SITE_URL = "https://blog.example"
    image = store_image(BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    PostFactory(
        slug="pictured",
        body=f"Before.\n\n{image.markdown()}\n\n[Next](/2012/01/next/)",
        featured_image=image,
    )
    return image


def test_the_owner_downloads_the_export_from_the_admin_as_it_is_written(superuser_client, site):
    response = superuser_client.get(reverse("admin:wordpress_importrun_export"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode()
    assert without_date(text) == without_date(export())
    changelist = superuser_client.get(reverse("admin:wordpress_importrun_changelist"))
    assert reverse("admin:wordpress_importrun_export") in changelist.content.decode()


def test_the_admin_export_can_leave_out_personal_data(superuser_client, site):
    response = superuser_client.get(
        reverse("admin:wordpress_importrun_export") + "?personal_data=no"
    )

    text = b"".join(response.streaming_content).decode()
    assert "@example.com" not in text
    assert without_date(text) == without_date(export("--no-personal-data"))


def test_editors_cannot_download_everyones_email_addresses(editor_client, site):
    response = editor_client.get(reverse("admin:wordpress_importrun_export"))

    assert response.status_code == 403


def test_every_address_in_the_export_is_absolute_on_the_sites_address(pictured):
    image = pictured

    text = export()

    assert "<wp:base_site_url>https://blog.example</wp:base_site_url>" in text
    assert ":8000" not in text
    assert f'src="https://blog.example/media/{image.file.name}"' in text
    assert 'href="https://blog.example/2012/01/next/"' in text
    assert 'src="/' not in text
    assert 'href="/' not in text


def test_images_are_attachment_items_and_the_featured_image_points_at_its_own(pictured):
    image = pictured

    records = [record for _c, record in wxr.read(BytesIO(export().encode()))]
    items = [record for record in records if isinstance(record, wxr.Item)]

    [attachment] = [item for item in items if item.type == "attachment"]
    assert attachment.attachment_url == f"https://blog.example/media/{image.file.name}"
    assert attachment.meta["_wp_attached_file"] == image.file.name
    assert attachment.meta["_wp_attachment_image_alt"] == "Grace Hopper"
    [exported] = [item for item in items if item.slug == "pictured"]
    assert attachment.parent == exported.wp_id
    assert exported.meta["_thumbnail_id"] == str(attachment.wp_id)
    # Posts and attachments share WordPress's one series of ids.
    assert attachment.wp_id not in {item.wp_id for item in items if item.type != "attachment"}


THEME_UNIT_TEST = Path(__file__).parent / "corpus" / "theme-unit-test-data.xml"


@pytest.mark.django_db(databases=["default", "progress"])
def test_the_theme_unit_test_goes_out_and_in_and_out_again_unchanged(tmp_path):
    call_command("import_wordpress", str(THEME_UNIT_TEST), stdout=StringIO())
    first = export()
    (tmp_path / "first.xml").write_text(first)
    wipe()

    call_command("import_wordpress", str(tmp_path / "first.xml"), stdout=StringIO())
    second = export()

    assert without_date(second) == without_date(first)
    assert Post.objects.filter(slug="post-format-gallery").exists()
    assert 'class="gallery gallery-columns-3"' in first
