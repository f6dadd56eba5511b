from pathlib import Path
from urllib.parse import urlsplit

import hypothesis
import pytest
from bs4 import BeautifulSoup, NavigableString
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from hypothesis import strategies as st

from blog.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    plain_text_as_markdown,
    render_markdown,
    sanitize_html,
)
from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

# The seed article's <article> as the site served it before bodies became Markdown.
SEED_BEFORE = Path(__file__).with_name("seed_article_before_markdown.html")


def canonical(node):
    """Return an element as (tag, attributes, children), ignoring whitespace between tags."""
    if isinstance(node, NavigableString):
        return " ".join(node.split())
    children = [canonical(child) for child in node.children]
    return (node.name, dict(node.attrs), [child for child in children if child != ""])


def article_of(page: str):
    return BeautifulSoup(page, "html.parser").select_one("article.post")


def test_seed_article_reads_exactly_as_before_markdown(client, seed_post):
    before = BeautifulSoup(SEED_BEFORE.read_text(encoding="utf-8"), "html.parser").article
    after = article_of(client.get(seed_post.get_absolute_url()).content.decode())
    assert canonical(after) == canonical(before)
    assert after.get_text(" ", strip=True) == before.get_text(" ", strip=True)


def test_seed_article_summary_on_the_home_page_is_its_first_paragraph(client, seed_post):
    summary = BeautifulSoup(client.get("/").content, "html.parser").select_one(".post-summary")
    assert summary.select("p")[1].get_text() == (
        "I am frequently asked about the difference between selling and marketing."
    )


def test_markdown_body_shows_headings_links_emphasis_lists_quotes_code_and_images(
    client, image_origins
):
    image_origins("https://img.example.com")
    post = PostFactory(
        body=(
            "## A heading\n\n"
            'Some *emphasis*, **strong** words and a [link](https://example.com/a "A").\n\n'
            "- one\n- two\n\n"
            "3. three\n4. four\n\n"
            "> A quote.\n\n"
            "Inline `code` and a block:\n\n"
            "```\nprint('<hi>')\n```\n\n"
            "![Our logo](/static/logo.png) ![A chart](https://img.example.com/chart.png)\n\n"
            "---\n\nLine one\nline two"
        )
    )
    body = article_of(client.get(post.get_absolute_url()).content.decode()).select_one(".post-body")
    assert body.h2.get_text() == "A heading"
    assert body.em.get_text() == "emphasis"
    assert body.strong.get_text() == "strong"
    assert body.select_one("a[href='https://example.com/a']")["title"] == "A"
    assert [li.get_text() for li in body.select("ul li")] == ["one", "two"]
    assert body.ol["start"] == "3"
    assert body.blockquote.get_text(strip=True) == "A quote."
    assert body.select_one("p code").get_text() == "code"
    assert body.select_one("pre code").get_text() == "print('<hi>')\n"
    assert [img["src"] for img in body.select("img")] == [
        "/static/logo.png",
        "https://img.example.com/chart.png",
    ]
    assert body.select_one("img")["alt"] == "Our logo"
    assert body.hr is not None
    assert body.select("p")[-1].br is not None


def test_a_post_is_rendered_when_saved_not_on_every_request(client, post):
    post.body = "Now with *emphasis*."
    post.save()
    assert Post.objects.get(pk=post.pk).body_html == "<p>Now with <em>emphasis</em>.</p>\n"
    # The page shows what was stored; it does not render the Markdown again.
    Post.objects.filter(pk=post.pk).update(body_html="<p>Stored rendering</p>")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Stored rendering" in page
    assert "emphasis" not in article_of(page).get_text()


def test_saving_only_the_body_also_saves_its_rendering(post):
    post.body = "Updated **body**."
    post.save(update_fields=["body"])
    assert Post.objects.get(pk=post.pk).body_html == "<p>Updated <strong>body</strong>.</p>\n"


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](http://tracker.example.com/pixel.gif)",
    "![x](//evil.example.com/x.png)",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<iframe src="https://evil.example.com/"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example.com/"><input name="x"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example.com/">',
    '<link rel="stylesheet" href="https://evil.example.com/x.css">',
    '<base href="https://evil.example.com/">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "[entity](&#106;avascript:alert(1))",
]
HOSTILE_HTML = [
    "<script>alert(1)</script><p>kept</p>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<img src="http://tracker.example.com/pixel.gif">',
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<style>*{display:none}</style>",
    '<div style="position:fixed">x</div>',
    '<p class="x" id="y" onmouseover="alert(1)">x</p>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="https://example.com/" target="_blank">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
]


def assert_only_allowed(soup):
    """Fail unless every tag, attribute and address is on the allow-list, with nothing active."""
    for element in soup.find_all(True):
        assert element.name in ALLOWED_TAGS, element
        for attribute, value in element.attrs.items():
            assert attribute in ALLOWED_ATTRIBUTES.get(element.name, set()), element
            assert "alert(1)" not in value, element
            if attribute in {"href", "src"}:
                address = urlsplit(value.strip())
                if element.name == "img":
                    assert address.scheme == "https" or not (address.scheme or address.netloc)
                else:
                    assert address.scheme.lower() in {"", "http", "https", "mailto"}, element


def test_an_image_from_a_site_the_csp_does_not_allow_is_left_out(client, image_origins):
    image_origins("https://img.example.com")
    post = PostFactory(
        body="![shown](https://img.example.com/a.png) ![left out](https://elsewhere.example/b.png)"
    )

    response = client.get(post.get_absolute_url())

    body = article_of(response.content.decode()).select_one(".post-body")
    # HTML has no image without an address: the one left out is shown as its alt text.
    assert [img.get("src") for img in body.select("img")] == ["https://img.example.com/a.png"]
    assert "left out" in body.get_text()
    img_src = next(
        part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip().startswith("img-src")
    )
    assert "https://img.example.com" in img_src
    assert not any("elsewhere" in source for source in img_src)


@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_shown_inert(client, markdown):
    post = PostFactory(body=f"Before.\n\n{markdown}\n\nAfter.")
    body = article_of(client.get(post.get_absolute_url()).content.decode()).select_one(".post-body")
    assert_only_allowed(body)
    rendered = body.get_text()
    assert "Before." in rendered
    assert "After." in rendered


@pytest.mark.parametrize("html", HOSTILE_HTML)
def test_hostile_html_loses_everything_active(html):
    assert_only_allowed(BeautifulSoup(sanitize_html(html), "html.parser"))


def test_raw_html_in_markdown_is_shown_as_text(client):
    post = PostFactory(body='Say <b onclick="x()">hi</b> & <script>alert(1)</script>')
    body = article_of(client.get(post.get_absolute_url()).content.decode()).select_one(".post-body")
    assert body.get_text(strip=True) == 'Say <b onclick="x()">hi</b> & <script>alert(1)</script>'
    assert body.find_all(True) == [body.p]


def as_read(html: str):
    """Return what a reader sees: each paragraph's words with its line breaks, and the tags."""
    soup = BeautifulSoup(html, "html.parser")
    tags = {element.name for element in soup.find_all(True)}
    for br in soup.find_all("br"):
        br.replace_with(" ⏎ ")
    return [" ".join(p.get_text().split()) for p in soup.find_all("p")], tags


def as_plain_text_showed_it(text: str) -> str:
    """Render a body the way the site did before Markdown (paragraphs, then linebreaksbr)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{linebreaksbr(escape(p))}</p>" for p in paragraphs if p)


OLD_PLAIN_TEXT = [
    "1. Not a list, a year: 2007. Then more.",
    "# not a heading\n> not a quote\n- not a list\n+ nor this\n* nor this",
    "Stars *around* words, _underscores_, `backticks` and [brackets](x).",
    "A <b>tag</b> shown as typed, & an &amp; entity, and a back\\slash.",
    "    indented four spaces\nand a line\n===\n---",
    "Trailing backslash \\\nnext line",
    "![not an image](https://example.com/x.png) and <https://example.com>",
    "~~~\nnot a fence\n~~~",
    "3) parenthesised\n10. ten",
    "a line\n\t\nafter a blank-looking line\r\rand old Mac breaks",
]


@pytest.mark.parametrize("text", OLD_PLAIN_TEXT)
def test_plain_text_bodies_read_the_same_after_conversion_to_markdown(text):
    post = PostFactory(body=plain_text_as_markdown(text))
    paragraphs, tags = as_read(post.body_html)
    assert paragraphs == as_read(as_plain_text_showed_it(text))[0]
    assert tags <= {"p", "br"}


PLAIN_TEXT_PIECES = st.sampled_from(
    [
        *"ab 1.)#>*-_+=~`[]()<>!&;\\\n\t|:/",
        *["\n\n", "\r", "\r\n", "\x0c", "\u00a0", "é", "&amp;", "&#106;", "http://x.y"],
        *["    ", "***", "1986\\. "],
    ]
)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.lists(PLAIN_TEXT_PIECES, max_size=40).map("".join))
def test_any_plain_text_body_reads_the_same_as_markdown(text):
    paragraphs, tags = as_read(render_markdown(plain_text_as_markdown(text)))
    assert paragraphs == as_read(as_plain_text_showed_it(text))[0]
    assert tags <= {"p", "br"}
