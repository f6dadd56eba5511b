"""Exports read again, later exports, and links between posts however the file is batched."""

from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>http://old.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>http://old.example.com</wp:base_blog_url>
"""


def item(wp_id, slug, *, kind="post", parent=0, body="", comments=""):
    link = f"http://old.example.com/2012/01/03/{slug}/" if kind == "post" else f"/{slug}/"
    return f"""<item><title>{slug}</title><link>{link}</link><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{wp_id}</wp:post_id>
<wp:post_date_gmt>2012-01-03 09:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent>
<wp:post_type>{kind}</wp:post_type>{comments}</item>"""


def comment(wp_id, *, parent=0):
    return f"""<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>
<wp:comment_author>Reader {wp_id}</wp:comment_author>
<wp:comment_date_gmt>2012-01-04 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Comment {wp_id}</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>"""


def run(tmp_path, *items) -> str:
    path = tmp_path / "export.xml"
    path.write_text(HEAD + "".join(items) + "</channel></rss>", encoding="utf-8")
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


def test_a_later_export_threads_a_new_reply_under_its_old_comment(tmp_path):
    run(tmp_path, item(1, "first", comments=comment(101)))

    summary = run(tmp_path, item(1, "first", comments=comment(101) + comment(102, parent=101)))

    reply = Comment.objects.get(author_name="Reader 102")
    assert reply.parent == Comment.objects.get(author_name="Reader 101")
    assert "Created: 1 comment." in summary
    assert "Already present: 1 post, 1 comment." in summary
    assert Post.objects.get(slug="first").comment_count == 2


def test_a_file_read_again_counts_its_comments_as_present(tmp_path):
    export = item(1, "first", comments=comment(101) + comment(102, parent=101))
    run(tmp_path, export)
    before = list(Comment.objects.order_by("pk").values_list("pk", "parent_id", "status"))

    summary = run(tmp_path, export)

    assert "Created: nothing." in summary
    assert "Already present: 1 post, 2 comments." in summary
    assert list(Comment.objects.order_by("pk").values_list("pk", "parent_id", "status")) == before


@pytest.mark.parametrize("batch", [1, 200])
def test_links_to_earlier_and_later_posts_and_child_pages_get_new_addresses(
    tmp_path, monkeypatch, batch
):
    monkeypatch.setattr("wordpress.importer.BATCH", batch)
    run(
        tmp_path,
        item(20, "about", kind="page"),
        item(
            40,
            "links",
            body='<a href="http://old.example.com/?page_id=30">team</a> '
            '<a href="http://old.example.com/2012/01/03/later/">later</a> '
            '<a href="http://old.example.com/?p=40">itself</a>',
        ),
        item(30, "team", kind="page", parent=20),
        item(50, "later", body='<a href="http://old.example.com/?p=40">back</a>'),
    )

    links = Post.objects.get(slug="links")
    assert '<a href="/about/team/">team</a>' in links.body_html
    assert '<a href="/2012/01/later/">later</a>' in links.body_html
    assert '<a href="/2012/01/links/">itself</a>' in links.body_html
    assert '<a href="/2012/01/links/">back</a>' in Post.objects.get(slug="later").body_html
