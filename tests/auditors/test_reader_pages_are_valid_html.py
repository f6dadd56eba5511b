"""Every kind of reader page passes the W3C Nu HTML checker with no error."""

import pytest

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
