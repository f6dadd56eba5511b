"""An editor's WordPress export reaches Django through the proxy, up to the import limit."""

import re

import pytest

from devstack.nginx import IMPORT_MAX_BYTES, nginx
from tests.factories import UserFactory
from tests.proxy.test_through_nginx import log_in
from wordpress.models import ImportRun

pytestmark = pytest.mark.django_db(transaction=True)

IMPORT_URL = "/admin/wordpress/importrun/import/"


@pytest.fixture
def small_limit_proxy(web, static_root, tmp_path):
    """The proxy with an import's body (export and uploads zip) limited to 4,096 bytes."""
    with nginx(
        upstream=web.url,
        static_root=static_root,
        folder=tmp_path / "nginx",
        import_max_bytes=4096,
        uploads_max_bytes=0,
    ) as running:
        yield running


def upload(proxy, size: int, zip_size: int = 0):
    UserFactory(username="proxy-importer", is_staff=True, is_superuser=True)
    editor = log_in(proxy, "proxy-importer", "correct horse battery")
    page = editor.get(IMPORT_URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    content = b"<?xml version='1.0'?>\n<rss>" + b" " * size + b"</rss>\n"
    files = {"file": ("export.xml", content, "text/xml")}
    if zip_size:
        files["uploads"] = ("uploads.zip", b"\0" * zip_size, "application/zip")
    try:
        return editor.post(IMPORT_URL, data={"csrfmiddlewaretoken": token}, files=files)
    finally:
        editor.close()


def test_an_export_bigger_than_other_requests_may_be_reaches_the_import(proxy):
    # Every other request body stops at 3 MB (client_max_body_size 3m).
    answer = upload(proxy, 4 * 1024 * 1024)

    assert answer.status_code == 302, answer.text[:500]
    run = ImportRun.objects.get()
    assert run.file_size > 4 * 1024 * 1024
    assert run.state == ImportRun.State.WAITING


def test_an_uploads_zip_beside_the_export_gets_past_the_export_limit_to_django(proxy):
    # The zip may be larger than the export's own limit (WORDPRESS_UPLOADS_MAX_BYTES): nginx
    # lets both through in one request, and Django judges each file (this zip is not one).
    answer = upload(proxy, 1024, zip_size=IMPORT_MAX_BYTES + 1024 * 1024)

    assert answer.status_code == 200, answer.text[:500]
    assert "uploads" in answer.text
    assert 'enctype="multipart/form-data"' in answer.text
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_limit_gets_the_import_page_with_the_error(small_limit_proxy):
    answer = upload(small_limit_proxy, 8192)

    assert answer.status_code == 413
    assert "This file is larger than" in answer.text
    assert 'enctype="multipart/form-data"' in answer.text
    assert not ImportRun.objects.exists()
