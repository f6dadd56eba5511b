"""A reader finds posts in any language, and by the beginning of a word (issue 28, item 4)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import Post
from tests.factories import PostFactory

# An import writes its progress on the "progress" connection (wordpress/runs.py).
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

WILD = Path(__file__).resolve().parents[2].parent / "shared" / "wxr-wild"


def found(client, query: str) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [post.title for post in response.context["posts"]]


def import_wild(name: str) -> None:
    path = WILD / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the real blogs' exports live in ../shared/wxr-wild/)")
    call_command("import_wordpress", str(path), stdout=StringIO())


def test_a_japanese_word_finds_the_post_whose_title_holds_it(client, seed_post):
    PostFactory(title="マーケティングの基本", body="売ることと知らせること。")

    assert found(client, "マーケティング") == ["マーケティングの基本"]


def test_a_chinese_word_finds_the_post_whose_body_holds_it(client, seed_post):
    PostFactory(title="Notes", body="今天我们讨论市场营销的历史。")

    assert found(client, "市场营销") == ["Notes"]


def test_a_korean_word_finds_the_post_whose_title_holds_it(client):
    PostFactory(title="마케팅은 판매가 아니다", body="본문")

    assert found(client, "마케팅") == ["마케팅은 판매가 아니다"]


def test_the_beginning_of_a_word_finds_the_posts_with_that_word(client):
    PostFactory(title="A café in Lyon", body="Coffee.")
    PostFactory(title="Morning", body="We met at the café, then the cafeteria.")
    PostFactory(title="Decaf", body="Only decaf here.")

    assert sorted(found(client, "caf")) == ["A café in Lyon", "Morning"]
    assert sorted(found(client, "café")) == ["A café in Lyon", "Morning"]


def test_a_prefix_match_in_the_title_ranks_first(client):
    PostFactory(title="Gardens", body="A word on marketing, among many on gardens.")
    PostFactory(title="Marketing for small firms", body="Unrelated words about prices.")

    assert found(client, "market") == ["Marketing for small firms", "Gardens"]


def test_an_excluded_word_still_excludes_posts_found_by_their_words(client, seed_post):
    PostFactory(title="マーケティングと販売", body="販売の話")
    PostFactory(title="マーケティングの基本", body="基本の話")

    assert found(client, "マーケティング -販売") == ["マーケティングの基本"]


def test_japanese_titles_of_a_real_blog_are_found_after_its_import(client):
    import_wild("wpcom-2018-romacs-ja-pages.xml")

    titles = found(client, "セミナー")
    # Pages whose title holds the word come before those whose body does.
    assert sorted(titles[:2]) == ["Pre-RoMacS セミナー", "今後の RoMacS セミナー"]
    assert "報告者の方へ" in found(client, "報告者")


def test_chinese_titles_of_a_real_blog_are_found_after_its_import(client):
    import_wild("wp341-2012-ownlinux-zh.xml")

    assert {"yum.conf浅析", "浅析*.repo 文件"} <= set(found(client, "浅析"))
    assert "北航考研记" in found(client, "考研")
    assert "IPsec初探" in found(client, "ipsec")


# Any text at all: letters of every script, operators, quotes, backslashes, NUL, huge.
queries = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300) | st.lists(
    st.sampled_from(['"', "-", "or", "<->", ":*", "&", "|", "!", "\\", "(", ")", "caf", "マ"]),
    max_size=40,
).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_no_search_query_gets_a_server_error(client, query):
    if not Post.objects.exists():
        PostFactory(title="A café in Lyon — マーケティング", body="Words \\ and (symbols) | & !")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
