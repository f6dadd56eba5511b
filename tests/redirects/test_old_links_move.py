"""Old links stored while the WordPress import owned them keep working in their own app."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PostFactory

BEFORE = [("wordpress", "0011_import_runs_bring_images")]


@pytest.mark.django_db(transaction=True)
def test_an_old_link_and_its_editors_permission_survive_the_move_to_redirects(client):
    post = PostFactory(slug="now-here")
    # Unapplies wordpress 0012 too, which follows it.
    call_command("migrate", "redirects", "zero", verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        old_apps.get_model("wordpress", "OldLink").objects.create(
            old_path="/2012/01/was-here/", post_id=post.pk
        )
        Permission = old_apps.get_model("auth", "Permission")
        keepers = old_apps.get_model("auth", "Group").objects.create(name="Link keepers")
        keepers.permissions.add(
            Permission.objects.get(content_type__app_label="wordpress", codename="change_oldlink")
        )
    finally:
        call_command("migrate", verbosity=0)

    response = client.get("/2012/01/was-here/")
    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
    kept = Group.objects.get(name="Link keepers").permissions.get()
    assert (kept.content_type.app_label, kept.codename) == ("redirects", "change_oldlink")
