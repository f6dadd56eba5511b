"""An editor imports a WordPress export from the admin in a real browser, as in production.

The site runs in gunicorn and the import in a separate `manage.py db_worker` process, both
on the test database, as compose runs `web` and `worker`: the upload reaches the worker
through the database, and the run's page follows it by refreshing itself.
"""

import pytest
from django.db import connection
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment
from devstack.stack import database_url_for, db_worker, gunicorn, stack_env
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.support.people import make_editor
from tests.wordpress.helpers import FIXTURES
from wordpress.models import ImportRun

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]


@pytest.fixture
def env(tmp_path):
    return stack_env(
        database_url_for(connection),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        LIVE_STACK_LOGS=tmp_path / "logs",
    )


def test_editor_uploads_an_export_and_the_page_follows_the_worker_to_the_summary(
    env, new_page, screenshot
):
    editor = make_editor(username="mover")
    editor.set_password("correct horse battery")
    editor.save()
    with gunicorn(env) as web:
        admin = new_page()
        admin.add_init_script(LISTEN_FOR_VIOLATIONS)
        admin.goto(f"{web.url}/admin/login/?next=/admin/")
        admin.get_by_label("Username").fill("mover")
        admin.get_by_label("Password").fill("correct horse battery")
        admin.get_by_role("button", name="Log in").click()
        admin.get_by_role("link", name="Imports from WordPress").click()
        admin.get_by_role("link", name="Import from WordPress", exact=True).click()
        admin.get_by_label("WordPress export (.xml)").set_input_files(FIXTURES / "site.xml")
        admin.get_by_role("button", name="Import", exact=True).click()

        # No worker yet: the run waits, and its page says so and keeps looking.
        expect(admin.locator(".import-state")).to_contain_text("Waiting for the worker")
        screenshot(admin, "wordpress-import-waiting")
        with db_worker(env):
            # Generous: the page refreshes every 2 s, and this machine is shared.
            expect(admin.locator(".import-summary")).to_contain_text(
                "Created: 2 authors, 2 categories, 1 tag, 6 posts, 2 pages, 17 comments",
                timeout=60_000,
            )
        screenshot(admin, "wordpress-import-done")
        assert "Done" in admin.locator(".import-state").inner_text()
        assert violations(admin) == []

    run = ImportRun.objects.get()
    assert (run.state, bytes(run.upload), run.started_by.username) == ("done", b"", "mover")
    assert Post.objects.count() == 8
    assert Comment.objects.count() == 17
