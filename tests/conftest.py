import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from blog import views
from blog.models import Post
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def seed_post(db) -> Post:
    call_command("load_seed", verbosity=0)
    return Post.objects.get(slug="selling-vs-marketing")


@pytest.fixture
def post(db) -> Post:
    return PostFactory()


@pytest.fixture
def draft(db) -> Post:
    return PostFactory(status=Post.Status.DRAFT, title="Unfinished thoughts")


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="staffer", is_staff=True))
    return client


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    # Pages are cached under their address, and the seed post's address is the same in
    # every test: one test's page must not be another's.
    cache.clear()


@pytest.fixture
def a_second_passes(monkeypatch):
    """Move the shared page's clock on by one second, as waiting would, without sleeping.

    Readers without cookies of ours share one page for up to a second (blog.views).
    """
    offset = 0

    def wait():
        nonlocal offset
        offset += 1
        later = offset
        monkeypatch.setattr(views, "current_second", lambda: int(time.time()) + later)

    return wait
