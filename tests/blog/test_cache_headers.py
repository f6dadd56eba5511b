"""Home, search and feeds tell any cache who may keep them (core.http_caching)."""

from types import SimpleNamespace

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/", "/search/?q=marketing", "/feed/", "/feed/atom/"]
# Pages whose address has no query: the server remembers when each first looked this way.
DATED_PAGES = ["/", "/feed/", "/feed/atom/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_cookieless_reader_gets_a_shareable_page_with_validators(seed_post, url, settings):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_STALE_SECONDS = 2, 30
    response = Client().get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=2, stale-while-revalidate=30"
    assert response["ETag"].startswith('W/"')
    assert ("Last-Modified" in response) is (url in DATED_PAGES)
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_a_search_revalidates_by_etag_and_sends_no_date_it_cannot_keep(seed_post):
    first = Client().get("/search/?q=marketing")

    by_etag = Client().get("/search/?q=marketing", headers={"if-none-match": first["ETag"]})

    assert "Last-Modified" not in first
    assert by_etag.status_code == 304


@pytest.mark.parametrize("url", DATED_PAGES)
def test_a_cookieless_reader_revalidates_by_etag_or_date(seed_post, url):
    first = Client().get(url)

    by_etag = Client().get(url, headers={"if-none-match": first["ETag"]})
    by_date = Client().get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.content == b""


def test_a_new_post_changes_the_home_pages_validators(seed_post, post):
    first = Client().get("/")
    post.title = "Freshly retitled"
    post.save()

    again = Client().get("/", headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert "Freshly retitled" in again.content.decode()


@pytest.mark.parametrize("url", DATED_PAGES)
def test_a_reader_with_a_remembered_name_gets_a_private_page(seed_post, url):
    reader = Client()
    reader.cookies["comment_author"] = "Ada"

    response = reader.get(url)
    # A date cannot describe one reader's cookies: only the ETag revalidates a private page.
    by_date = reader.get(url, headers={"if-modified-since": Client().get(url)["Last-Modified"]})
    by_etag = reader.get(url, headers={"if-none-match": response["ETag"]})

    assert response["Cache-Control"] == "private, no-cache"
    assert by_date.status_code == 200
    assert by_etag.status_code == 304


@pytest.mark.parametrize("url", PAGES)
def test_pages_shown_to_staff_are_never_stored(staff_client, seed_post, url):
    response = staff_client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


class KeysSet:
    """The cache, noting the keys written to it."""

    def __init__(self, cache):
        self.cache, self.keys = cache, set()

    def get(self, key, default=None):
        return self.cache.get(key, default)

    def set(self, key, value, timeout=None):
        self.keys.add(key)
        self.cache.set(key, value, timeout)


def test_spellings_of_one_home_page_share_one_remembered_date(seed_post, monkeypatch):
    from django.core.cache import cache

    written = KeysSet(cache)
    monkeypatch.setattr("core.http_caching.cache", written)
    first = Client().get("/")
    spellings = ["/?page=1", "/?page=01", "/?page=+1", "/?page=0001", "/?page=1&page=1"]
    # Later, as a new date would show (the cache's own clock is left alone).
    monkeypatch.setattr("core.http_caching.time", SimpleNamespace(time=lambda: 2_000_000_000))

    answers = [Client().get(url) for url in spellings]

    assert [answer.status_code for answer in answers] == [200] * len(spellings)
    assert {answer["Last-Modified"] for answer in answers} == {first["Last-Modified"]}
    assert len(written.keys) == 1


def test_a_page_number_that_is_not_one_is_a_404_that_stores_nothing(seed_post, monkeypatch):
    from django.core.cache import cache

    written = KeysSet(cache)
    monkeypatch.setattr("core.http_caching.cache", written)

    assert Client().get("/?page=x").status_code == 404
    assert Client().get("/?page=99").status_code == 404
    assert written.keys == set()


def test_a_page_number_a_feed_ignores_stores_nothing_of_its_own(seed_post, monkeypatch):
    from django.core.cache import cache

    written = KeysSet(cache)
    monkeypatch.setattr("core.http_caching.cache", written)
    first = Client().get("/feed/")

    answers = [Client().get(f"/feed/?page={n}") for n in ("2", "-3", "1000000005", "x")]

    assert {answer["Last-Modified"] for answer in answers} == {first["Last-Modified"]}
    assert len(written.keys) == 1
