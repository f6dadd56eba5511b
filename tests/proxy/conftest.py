"""A real gunicorn on the test database, behind the repository's nginx config (Debian's nginx)."""

import os
import time
from pathlib import Path

import pytest
from django.db import connection

from devstack.nginx import nginx, nginx_binary
from devstack.stack import database_url_for, gunicorn, stack_env
from tests.support.waiting import wait_for

# Small lockout limits, so the lockout tests need few requests.
PAIR_LIMIT, USERNAME_LIMIT = 3, 6


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, tmp_path_factory, redis_cache):
    """Serve the site as production does behind its proxy (one trusted hop), on Redis."""
    if nginx_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's nginx is required in CI (make test installs it as root).")
        pytest.skip("nginx is missing: `make test` installs it as root (apt-get install nginx)")
    with django_db_blocker.unblock():
        db_url = database_url_for(connection)
    env = stack_env(
        db_url,
        TRUSTED_PROXY_HOPS=1,
        CACHE_URL=redis_cache.url,
        COMMENTS_MIN_FORM_SECONDS=0,
        AXES_FAILURE_LIMIT=PAIR_LIMIT,
        AXES_USERNAME_FAILURE_LIMIT=USERNAME_LIMIT,
        LIVE_STACK_LOGS=tmp_path_factory.mktemp("proxy-logs"),
        # Uploaded images: gunicorn writes them here and nginx serves them (`media_root`).
        MEDIA_ROOT=tmp_path_factory.mktemp("proxy-media"),
        SERVE_MEDIA=False,
    )
    with gunicorn(env, workers=2) as process:
        process.env = env
        process.ready_at = time.time()  # when it answered its readiness probe
        yield process


@pytest.fixture
def static_root(tmp_path):
    folder = tmp_path / "static"
    (folder / "blog").mkdir(parents=True)
    (folder / "blog" / "site.0123456789ab.css").write_text("body { color: black; }\n")
    (folder / "robots.txt").write_text("User-agent: *\n")
    return folder


@pytest.fixture
def media_root(web):
    """The folder gunicorn keeps uploads in, which nginx serves at /media/."""
    return Path(web.env["MEDIA_ROOT"])


@pytest.fixture
def proxy(web, static_root, media_root, tmp_path):
    """Start nginx with a cache of its own for each test."""
    with nginx(
        upstream=web.url,
        static_root=static_root,
        media_root=media_root,
        folder=tmp_path / "nginx",
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def _redis_starts_empty(request):
    # The server lives for the module and each test's database is new: what the cache kept
    # for the test before (a post's first-seen date, the discussion settings) is not this one's.
    if "web" in request.fixturenames:
        request.getfixturevalue("redis_cache").flush()


# The second in which the last test through the module's server ended.
_last_test_ended = {"second": 0}


@pytest.fixture(autouse=True)
def a_new_second():
    """Start each test in a later second than the test before ended in.

    Gunicorn keeps each shared page for its second only, and the server lives for the whole
    module while each test's database is new: a page kept from the test before (same address,
    another post id) must not answer this one. Emptying the test's database afterwards usually
    takes that second by itself, so this rarely waits.
    """
    wait_for(
        lambda: int(time.time()) > _last_test_ended["second"],
        timeout=5,
        every=0.01,
        what="a second later than the one the test before ended in",
    )
    yield
    _last_test_ended["second"] = int(time.time())
