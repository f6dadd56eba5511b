"""Every kind of reader page passes the W3C Nu HTML checker with no error."""

from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import Post
from tests.auditors import nu
from tests.auditors.site import build_reader_site


@pytest.fixture
def reader_site(client, settings, db):
    settings.BLOG_POSTS_PER_PAGE = 3
    return build_reader_site(client)


def test_every_reader_page_type_passes_the_nu_html_checker(client, reader_site, tmp_path):
    nu.require_nu_checker()
    pages = {}
    for name, url in reader_site.pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), (name, url)
        pages[name] = response.content

    found = nu.check_pages(pages, tmp_path)

    print(nu.describe(found) or "The Nu checker found nothing to say.")
    errors = {name: nu.errors(messages) for name, messages in found.items()}
    assert {name: e for name, e in errors.items() if e} == {}, nu.describe(errors)
    # A warning, but an untitled post's empty heading is a page with nothing to name it.
    empty = {n: [m for m in ms if m["message"] == "Empty heading."] for n, ms in found.items()}
    assert {name: m for name, m in empty.items() if m} == {}, nu.describe(empty)


THEME_UNIT_TEST = (
    Path(__file__).resolve().parents[3] / "shared" / "wxr-corpus" / "theme-unit-test-data.xml"
)


# The import writes its progress through a second connection (wordpress/runs.py).
@pytest.mark.django_db(databases=["default", "progress"])
def test_imported_posts_and_pages_pass_the_nu_html_checker(client, tmp_path):
    """WordPress's theme unit test, imported: every published post and page, images included."""
    nu.require_nu_checker()
    if not THEME_UNIT_TEST.exists():
        pytest.skip(f"WordPress's theme unit test is not here ({THEME_UNIT_TEST})")
    call_command("import_wordpress", str(THEME_UNIT_TEST), verbosity=0)
    pages = {}
    for post in Post.objects.published():
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200, post.get_absolute_url()
        pages[f"imported {post.kind} {post.slug}"] = response.content
    assert len(pages) > 20

    found = nu.check_pages(pages, tmp_path)

    errors = {name: nu.errors(messages) for name, messages in found.items()}
    print(nu.describe(errors) or "The Nu checker found no error.")
    assert {name: e for name, e in errors.items() if e} == {}, nu.describe(errors)
