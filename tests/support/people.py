"""The people tests log in as: one family of fixtures, made by one factory.

- `editor` / `editor_client`: a member of the Editors group, with every permission the
  migrations give that group (write posts, moderate comments, import from WordPress...).
- `superuser` / `superuser_client`: may do everything, as `createsuperuser` makes them.
- `staff_client`: staff without a single permission, as an account an editor has not been
  given any group yet.
- `moderator`: not staff, only the "can moderate" permission, as notifications look for it.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory

EDITORS = "Editors"

# The migrations that give the Editors group its permissions, each with the app label its
# CODENAMES belong to (None: the module names the apps in a PERMISSIONS dict).
EDITORS_MIGRATIONS = [
    ("comments.migrations.0004_editors_group", None),
    ("blog.migrations.0007_editors_manage_images", "blog"),
    ("subscriptions.migrations.0002_editors_see_subscriptions", "subscriptions"),
    ("wordpress.migrations.0002_editors_manage_categories_tags_and_old_links", None),
    ("wordpress.migrations.0004_import_runs_from_the_admin", "wordpress"),
    ("wordpress.migrations.0006_import_runs_end_one_at_a_time", "wordpress"),
    ("redirects.migrations.0001_old_links_move_from_wordpress", "redirects"),
    ("comments.migrations.0014_one_outbox", "comments"),
    ("comments.migrations.0017_moderation_webhook", "comments"),
]


def editors_permissions() -> dict[str, list[str]]:
    """Return the codenames the migrations give the Editors group, by app label."""
    wanted: dict[str, list[str]] = {}
    for name, app_label in EDITORS_MIGRATIONS:
        migration = importlib.import_module(name)
        grants = migration.PERMISSIONS if app_label is None else {app_label: migration.CODENAMES}
        for label, codenames in grants.items():
            wanted.setdefault(label, []).extend(codenames)
    return wanted


def editors_group() -> Group:
    """Return the Editors group the migrations make, re-made after a flush forgot it.

    A flush (transactional tests, the browser tests) empties every table; Django makes the
    permissions again, but not the group.
    """
    group, created = Group.objects.get_or_create(name=EDITORS)
    if created:
        for app_label, codenames in editors_permissions().items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
    return group


def make_editor(username="eddie", **fields):
    """Return a staff member of the Editors group (the same one again for the same name)."""
    user = UserFactory(username=username, is_staff=True, **fields)
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor(db):
    return make_editor(username="eddie", first_name="Eddie", last_name="Editor")


@pytest.fixture
def editor_client(client, editor):
    """The test's `client`, logged in as `editor`."""
    client.force_login(editor)
    client.editor = editor
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    """The test's `client`, logged in as `superuser`."""
    client.force_login(superuser)
    return client


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="staffer", is_staff=True))
    return client


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator", email="mod@example.com")
    user.user_permissions.add(Permission.objects.get(codename="can_moderate"))
    return user
