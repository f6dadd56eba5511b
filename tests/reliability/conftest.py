"""What the real-stack reliability tests share: the Akismet double, the stack's environment
on the test database, and the article."""

import pytest
from django.db import connection

from devstack.akismet_double import AkismetDouble
from devstack.stack import database_url_for, stack_env
from tests.factories import PostFactory


@pytest.fixture
def double():
    with AkismetDouble() as double:
        yield double


@pytest.fixture
def akismet_timeout() -> int:
    """Seconds a process waits on Akismet (a module may ask for a shorter wait)."""
    return 30


@pytest.fixture
def env(double, tmp_path, akismet_timeout):
    return stack_env(
        database_url_for(connection),
        AKISMET_API_KEY="test-key",
        AKISMET_API_URL=double.url,
        AKISMET_TIMEOUT=akismet_timeout,
        COMMENTS_FLOOD_SECONDS=0,
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
    )


@pytest.fixture
def article(db):
    return PostFactory(title="Selling vs. Marketing")
