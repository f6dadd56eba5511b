"""An editor leaves the same way: `manage.py export_wordpress` writes a WXR 1.2 file."""

import re
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from taggit.models import Tag

from blog.models import Category, Post
from comments.models import Comment, Status
from tests.factories import CommentFactory, PostFactory
from wordpress import wxr
from wordpress.models import ImportedItem, OldLink

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
