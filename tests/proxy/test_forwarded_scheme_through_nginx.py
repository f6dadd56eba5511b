"""The reader's scheme behind a load balancer: believed only from it, and part of the cache key.

With `PROXY_MODE=http`, nginx is behind a balancer that terminates TLS and says which scheme
the reader used in `X-Forwarded-Proto`. Django redirects http to https (production's
SECURE_SSL_REDIRECT) by that header; nginx's micro-cache must not answer an http reader with
the page it kept for https ones, and the header counts only from `PROXY_TRUSTED_LB`.
"""

import httpx
import pytest

from devstack.nginx import nginx
from devstack.stack import gunicorn
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

HTTPS = {"X-Forwarded-Proto": "https"}
HTTP = {"X-Forwarded-Proto": "http"}


@pytest.fixture(scope="module")
def https_web(web):
    """A gunicorn with production's HTTPS rules, on the same database as `web`."""
    env = {**web.env, "DJANGO_SETTINGS_MODULE": "devstack.live_settings_https"}
    with gunicorn(env, workers=1) as process:
        yield process


def start(https_web, static_root, folder, **options):
    return nginx(upstream=https_web.url, static_root=static_root, folder=folder, **options)


def get(proxy, path: str, headers: dict) -> httpx.Response:
    with httpx.Client(base_url=proxy.url, timeout=10) as reader:
        return reader.get(path, headers=headers)


def test_a_cached_page_redirects_a_reader_the_balancer_says_came_over_http(
    https_web, static_root, tmp_path, seed_post
):
    path = seed_post.get_absolute_url()
    # The test's own connections come from 127.0.0.1: here, the balancer.
    with start(https_web, static_root, tmp_path / "nginx", trusted_lb="127.0.0.1") as proxy:
        wait_for(
            lambda: get(proxy, path, HTTPS).headers.get("X-Cache-Status") == "HIT",
            timeout=10,
            what="nginx to keep the article for https readers",
        )

        answer = get(proxy, path, HTTP)

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_the_scheme_claimed_by_any_other_address_is_not_believed(
    https_web, static_root, tmp_path, seed_post
):
    path = seed_post.get_absolute_url()
    with start(https_web, static_root, tmp_path / "nginx") as proxy:
        answer = get(proxy, path, HTTPS)

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_a_reader_the_balancer_says_came_over_https_gets_the_page(
    https_web, static_root, tmp_path, seed_post
):
    with start(https_web, static_root, tmp_path / "nginx", trusted_lb="127.0.0.1") as proxy:
        answer = get(proxy, seed_post.get_absolute_url(), HTTPS)

    assert answer.status_code == 200
