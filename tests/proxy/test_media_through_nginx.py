"""Uploaded images through the real proxy: an editor's upload is served by nginx itself."""

import re
import socket

import httpx
import pytest
from bs4 import BeautifulSoup

from devstack.nginx import nginx
from tests.factories import PostFactory, UserFactory
from tests.media import samples

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = "public, max-age=31536000, immutable"


def signed_in(proxy) -> httpx.Client:
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    browser = httpx.Client(base_url=proxy.url, timeout=20)
    form = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    answer = browser.post(
        "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "chief",
            "password": "correct horse battery",
        },
    )
    assert answer.status_code == 302, answer.text[-500:]
    return browser


def add_image(browser, data: bytes, name: str) -> httpx.Response:
    form = browser.get("/admin/blog/image/add/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return browser.post(
        "/admin/blog/image/add/",
        data={"csrfmiddlewaretoken": token, "alt": "Grace Hopper"},
        files={"file": (name, data, "image/jpeg")},
    )


def raw_get(proxy, target: str) -> tuple[int, bytes]:
    """Send `GET target` exactly as written (httpx would resolve the dot segments itself)."""
    port = int(proxy.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


def test_an_uploaded_image_is_served_by_nginx_with_a_year_of_caching(proxy, web, media_root):
    from blog.models import Image

    browser = signed_in(proxy)
    assert add_image(browser, samples.photo(), "hopper.jpg").status_code == 302
    image = Image.objects.get()
    post = PostFactory(body=image.markdown(), featured_image=image)

    article = BeautifulSoup(httpx.get(proxy.url + post.get_absolute_url()).text, "html.parser")
    address = article.select_one(".featured-image img")["src"]
    served = httpx.get(proxy.url + address)

    assert address == f"/media/{image.file.name}"
    assert (media_root / image.file.name).is_file()
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == YEAR
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.content == (media_root / image.file.name).read_bytes()
    # nginx answered, not Django: gunicorn does not serve /media/ behind the proxy.
    assert "X-Cache-Status" not in served.headers
    assert httpx.get(f"{web.url}/media/{image.file.name}").status_code == 404


@pytest.mark.parametrize("name", ["page.html", "shell.php", "notes.txt", "logo.svg", "x.jpg.php"])
def test_nothing_but_an_image_is_served_from_the_media_folder(proxy, media_root, name):
    (media_root / "images").mkdir(parents=True, exist_ok=True)
    (media_root / "images" / name).write_text("<script>alert(1)</script>")

    answer = httpx.get(f"{proxy.url}/media/images/{name}")

    assert answer.status_code == 404
    assert "<script>" not in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/media/../outside.jpg",
        "/media/%2e%2e/outside.jpg",
        "/media/..%2foutside.jpg",
        "/media/images/../../outside.jpg",
    ],
)
def test_a_path_outside_the_media_folder_is_not_served(proxy, media_root, path):
    (media_root.parent / "outside.jpg").write_bytes(b"SECRET" + samples.photo())

    status, answer = raw_get(proxy, path)

    assert status in (400, 404)
    assert b"SECRET" not in answer


@pytest.fixture
def small_image_limit_proxy(web, static_root, media_root, tmp_path):
    """nginx letting image uploads of at most 20 KB through."""
    with nginx(
        upstream=web.url,
        static_root=static_root,
        media_root=media_root,
        folder=tmp_path / "nginx-small",
        image_max_bytes=20_000,
    ) as running:
        yield running


def test_an_image_too_large_for_nginx_gets_the_upload_form_saying_so(
    small_image_limit_proxy, media_root
):
    from blog.models import Image

    browser = signed_in(small_image_limit_proxy)

    answer = add_image(browser, samples.photo(), "hopper.jpg")

    assert answer.status_code == 413
    assert "The file is larger than" in answer.text
    assert 'name="alt"' in answer.text
    assert not Image.objects.exists()
