"""Imported pingbacks and trackbacks read as WordPress shows them; imported excerpts summarise."""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment

from .helpers import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(db) -> Post:
    run_import("pings_excerpts.xml")
    return Post.objects.get(slug="much-linked")


def page(client, address) -> BeautifulSoup:
    response = client.get(address)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def entry(soup, wp_id) -> BeautifulSoup:
    # Imported comments keep their WordPress numbers as anchors: #comment-N still lands.
    anchor = soup.find(id=f"comment-{wp_id}")
    return anchor if anchor.name == "li" else anchor.find_parent("li")


def test_an_imported_pingback_reads_pingback_with_its_link_and_no_reply_link(client, linked):
    ping = entry(page(client, linked.get_absolute_url()), 202)

    assert "pingback" in ping["class"]
    assert " ".join(ping.select_one(".ping-source").get_text().split()) == (
        "Pingback: Other Blog » A reply to Lena"
    )
    link = ping.select_one(".ping-source a")
    assert link["href"] == "https://other.example.com/2013/05/08/a-reply/"
    assert link["rel"] == ["external", "nofollow", "ugc"]
    assert ping.select_one(".comment-content").get_text().strip() == (
        "[…] as Lena wrote on Linked Blog […]"
    )
    assert ping.select_one(".comment-reply-link") is None
    assert ping.select_one("img.avatar") is None


def test_an_imported_trackback_reads_trackback_with_its_link_and_no_reply_link(client, linked):
    track = entry(page(client, linked.get_absolute_url()), 203)

    assert "trackback" in track["class"]
    assert track.select_one(".ping-source").get_text().split()[0] == "Trackback:"
    assert track.select_one(".ping-source a")["href"] == "https://third.example.net/notes/linked/"
    assert "Lena's post says it well." in track.select_one(".comment-content").get_text()
    assert track.select_one(".comment-reply-link") is None
    assert track.select_one("img.avatar") is None


def test_an_ordinary_comment_beside_pings_keeps_its_avatar_and_reply_link(client, linked):
    soup = page(client, linked.get_absolute_url())
    comment = entry(soup, 201)

    assert "comment" in comment["class"]
    assert comment.select_one(".ping-source") is None
    assert comment.select_one("img.avatar") is not None
    assert comment.select_one(".comment-reply-link") is not None
    # Pings count, as in WordPress's "N Comments".
    assert soup.select_one("#comments-title").get_text() == "3 Comments"


def test_pings_are_items_of_the_comment_feed_titled_as_what_they_are(client, linked):
    response = client.get(f"{linked.get_absolute_url()}feed/")
    titles = [
        item.findtext("title")
        for item in ET.fromstring(response.content).find("channel").findall("item")  # noqa: S314
    ]

    assert titles == [
        "Trackback on Much linked by Third Site",
        "Pingback on Much linked by Other Blog » A reply to Lena",
        "Comment on Much linked by Carla Commenter",
    ]


def test_editors_filter_the_comment_list_by_kind_and_see_it(admin_client, linked):
    response = admin_client.get("/admin/comments/comment/?status=all&kind__exact=pingback")
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select("#result_list tbody tr")

    assert response.status_code == 200
    assert len(rows) == 1
    assert rows[0].select_one(".comment-kind").get_text() == "Pingback"
    assert "Other Blog » A reply to Lena" in rows[0].get_text()
    filters = soup.select_one("#changelist-filter").get_text()
    assert "Trackback" in filters


def test_an_imported_excerpt_is_the_summary_in_the_home_list_and_feed(client, linked):
    summary = next(
        article
        for article in page(client, "/").select("article.post-summary")
        if article.h2.get_text(strip=True) == "Much linked"
    )
    feed = ET.fromstring(client.get("/feed/").content)  # noqa: S314
    descriptions = {
        item.findtext("title"): item.findtext("description")
        for item in feed.find("channel").findall("item")
    }

    assert linked.custom_excerpt == "A hand-written summary & teaser."
    assert "A hand-written summary & teaser." in summary.get_text()
    assert "The body's own first paragraph." not in summary.get_text()
    assert descriptions["Much linked"] == "A hand-written summary & teaser."


def test_a_blank_excerpt_still_gives_the_first_paragraph(client, linked):
    feed = ET.fromstring(client.get("/feed/").content)  # noqa: S314
    descriptions = {
        item.findtext("title"): item.findtext("description")
        for item in feed.find("channel").findall("item")
    }

    assert Post.objects.get(slug="no-excerpt").custom_excerpt == ""
    assert descriptions["No excerpt"] == "Its first paragraph stands in."
    assert "Its first paragraph stands in." in page(client, "/").get_text()


def test_the_export_writes_the_excerpt_and_the_ping_types(linked):
    out = StringIO()
    call_command("export_wordpress", stdout=out)
    text = out.getvalue()

    assert (
        "<excerpt:encoded><![CDATA[A hand-written summary &amp; teaser.]]></excerpt:encoded>"
        in text
    )
    assert "<wp:comment_type><![CDATA[pingback]]></wp:comment_type>" in text
    assert "<wp:comment_type><![CDATA[trackback]]></wp:comment_type>" in text
    assert "<wp:comment_type><![CDATA[comment]]></wp:comment_type>" in text
    assert set(Comment.objects.values_list("kind", flat=True)) == {
        "comment",
        "pingback",
        "trackback",
    }
