"""Whatever a reader types into the search box, they get a page back, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw_query", ["%00", "a%00b", "selling%00marketing%00"])
def test_a_search_with_a_nul_byte_gets_a_form_error(client, seed_post, raw_query):
    response = client.get(f"/search/?q={raw_query}")

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert list(response.context["posts"]) == []


def test_a_very_long_search_gets_a_form_error(client, seed_post):
    response = client.get("/search/", {"q": "selling " * 2000})

    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "!!!",
        "-",
        '"',
        "'",
        ":*",
        "<->",
        "a & | b",
        "(((",
        "or or or",
        "\\",
        "%ff%fe",
        "\u202e\ufffd",
        "selling <-> marketing:*",
    ],
)
def test_an_unusual_search_gets_a_results_page(client, seed_post, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "result" in response.content.decode() or "Nothing matched" in response.content.decode()
