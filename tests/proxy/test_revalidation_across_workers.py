"""A copy one gunicorn worker gave a reader is current for every worker of the same server.

The proxy revalidates its cached article with whichever worker answers, so the validators
must not depend on which worker rendered the page.
"""

import time

import httpx
import pytest

from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_worker_gives_the_article_the_same_validators(web, seed_post):
    url = web.url + seed_post.get_absolute_url()
    # The point of the wait: a worker that has not answered yet answers its first request in
    # a later second than the one that answered the server's readiness probe.
    wait_for(
        lambda: int(time.time()) > int(web.ready_at),
        timeout=5,
        what="a later second than the server's readiness probe",
    )
    # A new connection each time, so that both of the server's workers answer.
    answers = [httpx.get(url) for _ in range(20)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert len({a.headers["Last-Modified"] for a in answers}) == 1


def test_every_worker_answers_a_current_copy_with_304(web, seed_post):
    url = web.url + seed_post.get_absolute_url()
    first = httpx.get(url)
    by_etag = [httpx.get(url, headers={"If-None-Match": first.headers["ETag"]}) for _ in range(20)]
    by_date = [
        httpx.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        for _ in range(20)
    ]
    assert [a.status_code for a in by_etag] == [304] * 20
    assert [a.status_code for a in by_date] == [304] * 20
