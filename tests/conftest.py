import pytest
from django.core.management import call_command

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
