"""An imported post reads as it did on WordPress: paragraphs, lists, tables, code, figures."""

from collections import Counter
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from blog.models import Post
from comments.models import tell_posts_comments_changed
from core.autop import wpautop
from wordpress import content, shortcodes
from wordpress.importer import import_wxr

from .wxr_builder import C, I, export

# A command-line import writes its progress through a second connection ("progress").
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

THEME_UNIT_TEST = Path(__file__).parent / "corpus" / "theme-unit-test-data.xml"


def import_text(items) -> str:
    return "\n".join(import_wxr(BytesIO(export(items))).lines())


def shown(client, post: Post) -> BeautifulSoup:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("article .post-body")


@pytest.fixture
def theme_unit_test(db, image_origins):
    # The test data's images show from its own site, as an allowed origin.
    image_origins("https://wpthemetestdata.files.wordpress.com")
    call_command("import_wordpress", str(THEME_UNIT_TEST), stdout=StringIO())


# --- Paragraphs: WordPress's own examples (tests/phpunit/tests/formatting/autop.php) --------


@pytest.mark.parametrize(
    ("text", "paragraphed"),
    [
        ("Hello\n\nWorld\nline", "<p>Hello</p>\n<p>World<br />\nline</p>\n"),
        (
            "Intro\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nAfter",
            "<p>Intro</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>After</p>\n",
        ),
        (
            "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>",
            "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>\n",
        ),
        ("a\n<pre>x\n\ny</pre>\nb", "<p>a</p>\n<pre>x\n\ny</pre>\n<p>b</p>\n"),
        (
            "<blockquote>Quote\n\nmore</blockquote>",
            "<blockquote><p>Quote</p>\n<p>more</p></blockquote>\n",
        ),
        (
            '<a href="x"\ntitle="y">link</a>\n\nNext',
            '<p><a href="x"\ntitle="y">link</a></p>\n<p>Next</p>\n',
        ),
        ("line<br>\n<br />\nnew", "<p>line</p>\n<p>new</p>\n"),
        ("", ""),
    ],
)
def test_paragraphs_are_made_as_wordpress_makes_them(text, paragraphed):
    assert wpautop(text) == paragraphed


def test_lists_and_tables_in_a_text_block_stay_whole(client):
    import_text(
        [
            I(
                wp_id="10",
                slug="lists",
                content="Before the list\n<ul>\n\t<li>One</li>\n\t<li>Two\n<ol>\n\t<li>Deep</li>\n"
                "</ol>\n</li>\n</ul>\nBetween\n<table>\n<tr>\n<th>Head</th>\n</tr>\n<tr>\n"
                "<td>Cell</td>\n</tr>\n</table>\nAfter",
            )
        ]
    )

    article = shown(client, Post.objects.get(slug="lists"))

    for container in article.find_all(["ul", "ol"]):
        assert [child.name for child in container.find_all(recursive=False)] == ["li"] * len(
            container.find_all("li", recursive=False)
        )
    assert not article.select("ul > br, ol > br, table br, tr > br")
    assert [p.get_text() for p in article.find_all("p", recursive=False)] == [
        "Before the list",
        "Between",
        "After",
    ]
    assert article.select_one("table th").get_text() == "Head"
    assert article.select_one("table td").get_text() == "Cell"


def test_theme_unit_test_lists_have_only_items_and_tables_keep_their_cells(client, theme_unit_test):
    for slug in ("edge-case-nested-and-mixed-lists", "markup-html-tags-and-formatting"):
        article = shown(client, Post.objects.get(slug=slug))

        lists = article.find_all(["ul", "ol"])
        assert lists
        for container in lists:
            assert {child.name for child in container.find_all(recursive=False)} == {"li"}
        assert not article.select("li > br:first-child, p > ul, p > ol")
    tags = shown(client, Post.objects.get(slug="markup-html-tags-and-formatting"))
    assert tags.select("table tr td") or tags.select("dl dt")
    assert {"del", "abbr", "cite", "q", "sup"} <= {tag.name for tag in tags.find_all(True)}


# --- Code ------------------------------------------------------------------------------


def test_code_shortcodes_become_code_blocks_with_their_lines_and_characters(client):
    import_text(
        [
            I(
                wp_id="10",
                slug="code",
                content='Some R:\n\n[sourcecode language="r"]\nx &lt;- c(1, 2)\n\n'
                'if (x[1] &gt; 0 &amp;&amp; TRUE) {\n  print("a &amp; b")\n}\n[/sourcecode]\n\n'
                "And Python:\n[python]\ndef f(a):\n    return a < 2\n[/python]\n"
                'And C#: [csharp]var s = "<b>";[/csharp]',
            )
        ]
    )

    article = shown(client, Post.objects.get(slug="code"))

    blocks = article.select("pre > code")
    assert [block["class"] for block in blocks] == [
        ["language-r"],
        ["language-python"],
        ["language-csharp"],
    ]
    assert blocks[0].get_text() == ('x <- c(1, 2)\n\nif (x[1] > 0 && TRUE) {\n  print("a & b")\n}')
    assert blocks[1].get_text() == "def f(a):\n    return a < 2"
    assert blocks[2].get_text() == 'var s = "<b>";'
    assert not article.select("pre br, pre p")


def test_code_shortcode_inside_a_pre_is_one_block():
    html = content.post_html('<pre>[code lang="js"]let a = 1;\nlet b = 2;[/code]</pre>', Counter())

    assert html == '<pre><code class="language-javascript">let a = 1;\nlet b = 2;</code></pre>\n'


# --- Captions and galleries ----------------------------------------------------------------


def test_a_caption_becomes_a_figure_with_its_caption(client, image_origins):
    # The old site's images show from there when it is allowed (IMAGE_REMOTE_ORIGINS).
    image_origins("https://old.example.com")
    import_text(
        [
            I(
                wp_id="10",
                slug="captioned",
                content='[caption id="attachment_7" align="alignright" width="300"]'
                '<a href="https://old.example.com/chart.png"><img src="https://old.example.com/'
                'chart.png" alt="Chart" width="300" height="200" /></a> Sales by <em>year</em>'
                "[/caption]\n\nAfter.",
            )
        ]
    )

    article = shown(client, Post.objects.get(slug="captioned"))

    figure = article.select_one("figure.wp-caption")
    assert figure.select_one("a > img")["src"] == "https://old.example.com/chart.png"
    assert figure.select_one("figcaption.wp-caption-text").decode_contents() == (
        "Sales by <em>year</em>"
    )
    assert not article.select("p > figure, figure p")


def test_a_gallery_shows_the_images_uploaded_to_its_post(client, theme_unit_test):
    article = shown(client, Post.objects.get(slug="post-format-gallery"))

    galleries = article.select("div.gallery")
    assert len(galleries) == 10
    assert [g["class"][1] for g in galleries[1:4]] == [
        "gallery-columns-1",
        "gallery-columns-2",
        "gallery-columns-3",
    ]
    first = galleries[0].select("figure.gallery-item img")
    assert len(first) == 23
    assert first[0]["src"] == "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg"
    assert "Bell on wharf in San Francisco" in galleries[0].get_text()
    assert "[gallery" not in article.get_text()


def test_a_gallery_by_ids_shows_those_images_in_that_order(client, image_origins):
    image_origins("https://old.example.com")
    gallery = 'Look:\n\n[gallery ids="31,30" columns="2" link="none"]'
    attachments = [
        I(wp_id=str(n), type="attachment", status="inherit", slug=f"img-{n}", title=f"Image {n}")
        for n in (30, 31)
    ]
    data = export([I(wp_id="10", slug="by-ids", content=gallery), *attachments])
    data = data.replace(
        b"<wp:post_type>attachment</wp:post_type>",
        b"<wp:post_type>attachment</wp:post_type><wp:attachment_url>"
        b"https://old.example.com/wp-content/uploads/pic.jpg</wp:attachment_url>",
    )
    import_wxr(BytesIO(data))

    article = shown(client, Post.objects.get(slug="by-ids"))

    images = article.select("div.gallery.gallery-columns-2 figure.gallery-item > img")
    assert [image["alt"] for image in images] == ["Image 31", "Image 30"]


def test_a_gallery_of_images_the_old_site_served_over_http_shows_them_over_https():
    def images(post_wp_id):
        return [shortcodes.GalleryImage(30, 10, "http://old.example.com/a.jpg", "A", "")]

    html = content.post_html("[gallery]", Counter(), post_wp_id=10, gallery_images=images)

    assert '<img src="https://old.example.com/a.jpg" alt="A">' in html


# --- Shortcodes left as text -----------------------------------------------------------


def test_an_unknown_shortcode_stays_as_text_and_the_summary_names_only_real_ones(client):
    summary = import_text(
        [
            I(
                wp_id="10",
                slug="brackets",
                content="Use x[i] and [a-za-z0-9_] and [remote 'all'] and \\[C _n=C _0\\].\n\n"
                '[mtouchquiz id=3]\n\n[tabby title="One"]\n\n[youtube]\n\n[note]Hi[/note]',
            )
        ]
    )

    assert "Shortcodes left as text: " in summary
    line = next(line for line in summary.splitlines() if line.startswith("Shortcodes"))
    assert sorted(line.removeprefix("Shortcodes left as text: ").rstrip(".").split(", ")) == [
        "[mtouchquiz] x1",
        "[note] x1",
        "[tabby] x1",
        "[youtube] x1",
    ]
    text = shown(client, Post.objects.get(slug="brackets")).get_text()
    assert "[mtouchquiz id=3]" in text
    assert "[a-za-z0-9_]" in text


# --- Settled: an export imports again as it was ------------------------------------------


def test_paragraphing_an_imported_post_again_changes_nothing():
    from wordpress import wxr

    bodies = [
        record.content
        for _channel, record in wxr.read(THEME_UNIT_TEST.open("rb"))
        if isinstance(record, wxr.Item) and record.type in ("post", "page")
    ]
    assert len(bodies) > 70

    for body in bodies:
        once = content.post_html(body, Counter())
        assert content.post_html(once, Counter()) == once


# --- Comments keep their markup ----------------------------------------------------------

MARKED_UP = (
    'I <strong>really</strong> like the <a href="https://shop.example/pricing">pricing</a>.\n\n'
    "<blockquote>Quoted <em>words</em></blockquote>"
)


def test_an_imported_comment_keeps_its_markup_on_the_page_and_in_the_export(client):
    import_text([I(wp_id="10", slug="talk", comments=[C(wp_id="5", content=MARKED_UP)])])
    post = Post.objects.get(slug="talk")
    tell_posts_comments_changed([post.pk])

    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    text = page.select_one(".comment-content")
    assert text.select_one("strong").get_text() == "really"
    assert text.select_one("a")["href"] == "https://shop.example/pricing"
    assert text.select_one("blockquote em").get_text() == "words"
    assert "(https://shop.example/pricing)" not in text.get_text()

    out = StringIO()
    call_command("export_wordpress", stdout=out)
    assert f"<wp:comment_content><![CDATA[{MARKED_UP}]]></wp:comment_content>" in out.getvalue()
