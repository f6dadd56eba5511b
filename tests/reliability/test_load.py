"""A short version of `make soak`: concurrent readers against a real gunicorn server."""

import pytest
from django.db import connection

from bench.soak import post_load, problems, wait_for_drain
from devstack.akismet_double import AkismetDouble
from devstack.stack import database_url_for, db_worker, gunicorn, stack_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_readers_lose_nothing_double_nothing_and_every_comment_is_checked(
    tmp_path, seed_post
):
    db_url = database_url_for(connection)
    with AkismetDouble(delay=0.01) as double:
        env = stack_env(
            db_url,
            AKISMET_API_KEY="load-key",
            AKISMET_API_URL=double.url,
            TRUSTED_PROXY_HOPS=1,
            CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        )
        with gunicorn(env, workers=3) as web, db_worker(env), db_worker(env):
            figures = post_load(web.url, clients=12, comments=150, duplicate_every=10)
            conninfo = db_url.replace("postgres://", "postgresql://", 1)
            figures.drain_seconds = wait_for_drain(conninfo, timeout=120)

    print(figures.summary())
    assert problems(figures, conninfo, expected_duplicates=15) == []
    assert figures.accepted == 150
    assert figures.refused == 15
    assert figures.errors == 0
