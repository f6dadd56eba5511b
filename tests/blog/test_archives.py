import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))  # noqa: DTZ001


def titles(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [link.get_text() for link in page.select(".post-summary h2 a")]


@pytest.fixture
def posts_of_2007(db):
    return {
        "may": PostFactory(title="May post", published_at=local(2007, 5, 20, 12)),
        "june": PostFactory(title="June post", published_at=local(2007, 6, 2, 12)),
        "draft": PostFactory(
            title="June draft", status=Post.Status.DRAFT, published_at=local(2007, 6, 3, 12)
        ),
        "next_year": PostFactory(title="2008 post", published_at=local(2008, 1, 1, 0, 30)),
    }


def test_year_archive_lists_that_years_published_posts_newest_first(client, posts_of_2007):
    response = client.get("/2007/")
    assert response.status_code == 200
    assert titles(response) == ["June post", "May post"]
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Year: 2007"


def test_month_archive_lists_that_months_published_posts(client, posts_of_2007):
    response = client.get("/2007/06/")
    assert response.status_code == 200
    assert titles(response) == ["June post"]
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Month: June 2007"


def test_the_seed_article_is_in_its_year_and_month(client, seed_post):
    assert titles(client.get("/2007/")) == ["Selling vs. Marketing"]
    assert titles(client.get("/2007/05/")) == ["Selling vs. Marketing"]


def test_months_follow_the_sites_time_zone_like_permalinks(client, settings):
    # 1 June 2007 03:00 UTC is still 31 May in Los Angeles, and the permalink says 05.
    settings.TIME_ZONE = "America/Los_Angeles"
    post = PostFactory(published_at=datetime.datetime(2007, 6, 1, 3, tzinfo=datetime.UTC))
    assert post.get_absolute_url().startswith("/2007/05/")
    assert titles(client.get("/2007/05/")) == [post.title]
    assert client.get("/2007/06/").status_code == 404


def test_by_default_months_are_utc_months(client):
    post = PostFactory(published_at=datetime.datetime(2007, 6, 1, 3, tzinfo=datetime.UTC))
    assert post.get_absolute_url().startswith("/2007/06/")
    assert titles(client.get("/2007/06/")) == [post.title]


def test_archives_link_to_the_neighbouring_periods_with_posts(client, posts_of_2007):
    page = BeautifulSoup(client.get("/2007/06/").content, "html.parser")
    assert page.select_one(".archive-nav a[rel=prev]")["href"] == "/2007/05/"
    assert page.select_one(".archive-nav a[rel=next]")["href"] == "/2008/01/"
    page = BeautifulSoup(client.get("/2008/").content, "html.parser")
    assert page.select_one(".archive-nav a[rel=prev]")["href"] == "/2007/"


def test_archives_are_paginated(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    for day in (1, 2, 3):
        PostFactory(title=f"Day {day}", published_at=local(2010, 3, day, 9))
    assert titles(client.get("/2010/03/")) == ["Day 3", "Day 2"]
    second = client.get("/2010/03/?page=2")
    assert titles(second) == ["Day 1"]
    link = BeautifulSoup(second.content, "html.parser").select_one(".pagination a[rel=prev]")
    assert link["href"] == "?page=1"
    assert client.get("/2010/03/?page=3").status_code == 404
    assert client.get("/2010/?page=abc").status_code == 404


def test_scheduled_and_draft_posts_stay_out_of_archives(client):
    soon = timezone.now() + datetime.timedelta(hours=1)
    PostFactory(title="Scheduled", published_at=soon)
    assert client.get(f"/{timezone.localtime(soon).year}/").status_code == 404


@pytest.mark.parametrize(
    "address",
    ["/1999/", "/2007/13/", "/2007/00/", "/0000/", "/0000/01/", "/9999/", "/9999/12/", "/2007/5/"],
)
def test_a_year_or_month_without_posts_or_that_does_not_exist_is_404(
    client, posts_of_2007, address
):
    response = client.get(address)
    assert response.status_code == 404
    assert b"<html" in response.content


# --- Caching ------------------------------------------------------------------------------


def test_archives_carry_public_cache_headers_and_validators(client, settings, posts_of_2007):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_STALE_SECONDS = 120, 240
    response = client.get("/2007/")
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {"public", "max-age=0", "s-maxage=120", "stale-while-revalidate=240"}
    assert response["ETag"]
    assert response["Last-Modified"]
    assert not response.cookies


def test_revalidating_an_archive_answers_304(client, posts_of_2007):
    first = client.get("/2007/06/")
    by_etag = client.get("/2007/06/", headers={"if-none-match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert "s-maxage" in by_etag["Cache-Control"]
    by_date = client.get("/2007/06/", headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_each_archive_page_has_its_own_etag(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    PostFactory.create_batch(2, published_at=local(2011, 4, 2, 9))
    assert client.get("/2011/04/")["ETag"] != client.get("/2011/04/?page=2")["ETag"]


@pytest.mark.parametrize(
    "change",
    [
        "edit_title",
        "comment_approved",
        "new_post",
        "author_renamed",
        "post_in_another_year",
    ],
)
def test_an_archive_changes_when_what_readers_see_in_it_changes(client, posts_of_2007, change):
    first = client.get("/2007/")
    post = posts_of_2007["june"]
    if change == "edit_title":
        post.title = "June post, revised"
        post.save()
    elif change == "comment_approved":
        Post.objects.filter(pk=post.pk).comments_changed(1)
    elif change == "new_post":
        PostFactory(title="Another", published_at=local(2007, 2, 2, 12))
    elif change == "post_in_another_year":
        # The archive's link to the next year with posts changes.
        PostFactory(title="Later", published_at=local(2012, 2, 2, 12))
    elif change == "author_renamed":
        profile = post.author.author_profile
        profile.display_name = "Ada Lovelace"
        profile.save()
    again = client.get("/2007/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Adak"])
def test_archives_of_the_first_and_last_years_a_date_holds_answer_in_any_time_zone(
    client, settings, zone
):
    settings.TIME_ZONE = zone
    PostFactory(published_at=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC))
    PostFactory(published_at=datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC))

    statuses = {
        address: client.get(address).status_code
        for address in ["/0001/", "/0001/01/", "/9998/12/", "/9999/", "/9999/12/", "/0000/"]
    }

    assert all(status in (200, 404) for status in statuses.values()), statuses


def test_a_day_archive_is_that_days_though_another_month_has_a_post_slugged_with_its_day(client):
    # WordPress names an untitled post by its number: zefsmusings has a post slugged "23".
    numbered = PostFactory(title="Twenty-three", slug="23", published_at=local(2005, 1, 10, 9))
    PostFactory(title="On the day", published_at=local(2005, 3, 23, 9))

    assert titles(client.get("/2005/03/23/")) == ["On the day"]
    response = client.get(numbered.get_absolute_url())
    assert (response.status_code, "<h1>Twenty-three</h1>" in response.text) == (200, True)
