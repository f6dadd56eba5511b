"""`--fetch-uploads` asks only the old site, at public addresses, within bounds (issue 27, 7).

The old site is a real HTTP server on 127.0.0.1; the tests allow exactly that address
(WORDPRESS_FETCH_ALLOW_ADDRESSES), as production never does. Refusals are real: a second
server on 127.0.0.2 (also loopback, not allowed) stands where a redirect points, and a
listening socket that speaks no HTTP stands for an open port.
"""

import http.server
import socket
import threading

import pytest

from blog.models import Image, Post
from tests.media import samples

from .test_import_images import attachment, run, site_export

pytestmark = pytest.mark.django_db

PHOTO_PATH = "/wp-content/uploads/2012/01/hopper.jpg"


class OldSite(http.server.BaseHTTPRequestHandler):
    """Serve the photo at its uploads path; redirect where `redirects` says."""

    redirects: dict = {}

    def do_GET(self):
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.end_headers()
        elif self.path.startswith(PHOTO_PATH.removesuffix("hopper.jpg")):
            body = samples.photo()
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """Start old-site servers on a loopback address; return their base address."""
    servers = []

    def start(address="127.0.0.1", redirects=None):
        handler = type("Handler", (OldSite,), {"redirects": redirects or {}})
        server = http.server.ThreadingHTTPServer((address, 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://{address}:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allow_loopback(settings):
    settings.WORDPRESS_FETCH_ALLOW_ADDRESSES = ["127.0.0.1"]


def with_blog_url(data: bytes, site: str, blog: str) -> bytes:
    return data.replace(
        f"<wp:base_blog_url>{site}</wp:base_blog_url>".encode(),
        f"<wp:base_blog_url>{blog}</wp:base_blog_url>".encode(),
    )


def test_the_old_site_at_the_allowed_test_address_is_fetched(serve, allow_loopback, media_root):
    site = serve()

    printed = run(site_export(site, attachment(site)), fetch_uploads=True)

    assert "Created: 1 author, 1 post, 1 image" in printed
    assert Image.objects.get().width == samples.PHOTO_SIZE[0]


def test_a_loopback_address_is_refused_without_the_allowance(serve, media_root):
    site = serve()

    printed = run(site_export(site, attachment(site)), fetch_uploads=True)

    assert "image 7: not brought: 127.0.0.1 is not at a public address" in printed
    assert not Image.objects.exists()
    assert Post.objects.filter(slug="with-photo").exists()


@pytest.mark.parametrize(
    "site",
    [
        "http://10.20.30.40",  # private
        "http://169.254.169.254",  # a cloud's metadata service (link-local)
        "http://100.64.0.1",  # carrier-grade NAT
        "http://[::1]:8000",  # IPv6 loopback
        "http://localhost:8000",  # a name for loopback, checked after DNS
    ],
)
def test_an_export_naming_a_private_address_as_its_site_fetches_nothing(site):
    printed = run(site_export(site, attachment(site)), fetch_uploads=True)

    assert "image 7: not brought:" in printed
    assert "is not at a public address" in printed
    assert not Image.objects.exists()


def test_a_host_the_export_does_not_name_as_its_own_is_not_fetched_but_listed(
    serve, allow_loopback, media_root
):
    site = serve()
    other = site.replace("127.0.0.1", "localhost")

    printed = run(site_export(site, attachment(other)), fetch_uploads=True)

    assert "image host localhost: 1 image not fetched: not the old site's own host" in printed
    assert "--fetch-host localhost" in printed
    assert not Image.objects.exists()


def test_a_confirmed_cdn_host_is_fetched(serve, allow_loopback, media_root):
    site = serve()
    cdn = site.replace("127.0.0.1", "localhost")

    printed = run(
        site_export(site, attachment(cdn)), fetch_uploads=True, fetch_hosts=[cdn.split("//")[1]]
    )

    assert "Created: 1 author, 1 post, 1 image" in printed


def test_a_redirect_to_a_private_address_is_refused(serve, allow_loopback, media_root):
    # The second server is the old site's too (its blog address), but on 127.0.0.2: loopback,
    # and not the one address the test allows.
    elsewhere = serve("127.0.0.2")
    site = serve(redirects={PHOTO_PATH: f"{elsewhere}{PHOTO_PATH}"})
    data = with_blog_url(site_export(site, attachment(site)), site, elsewhere)

    printed = run(data, fetch_uploads=True)

    assert "image 7: not brought: 127.0.0.2 is not at a public address" in printed
    assert not Image.objects.exists()


def test_a_redirect_to_another_host_is_refused(serve, allow_loopback, media_root):
    site = serve()
    redirecting = serve(redirects={PHOTO_PATH: f"{site.replace('127.0.0.1', 'localhost')}/x"})

    printed = run(site_export(redirecting, attachment(redirecting)), fetch_uploads=True)

    assert "not fetched: not the old site's own host" in printed
    assert not Image.objects.exists()


def test_a_redirect_within_the_old_site_is_followed(serve, allow_loopback, media_root):
    moved = "/wp-content/uploads/2012/01/moved.jpg"
    site = serve(redirects={moved: PHOTO_PATH})

    printed = run(site_export(site, attachment(site, path="2012/01/moved.jpg")), fetch_uploads=True)

    assert "1 image" in printed
    assert Image.objects.count() == 1


def test_a_file_larger_than_the_image_limit_is_not_read_whole(
    serve, allow_loopback, settings, media_root
):
    settings.IMAGE_MAX_BYTES = 1000
    site = serve()

    printed = run(site_export(site, attachment(site)), fetch_uploads=True)

    assert "image 7: not brought: larger than 1,000 bytes" in printed
    assert not Image.objects.exists()


def test_no_more_files_than_the_limit_are_fetched(serve, allow_loopback, settings, media_root):
    settings.WORDPRESS_FETCH_MAX_FILES = 1
    site = serve()
    second = attachment(site, path="2012/01/hopper-again.jpg", wp_id="8")

    printed = run(site_export(site, attachment(site), second), fetch_uploads=True)

    assert Image.objects.count() == 1
    assert "image 8: not brought: more than 1 files (WORDPRESS_FETCH_MAX_FILES)" in printed


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def open_port():
    """A port where something listens, answers nothing HTTP, and hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            connection.close()

    threading.Thread(target=answer, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_an_open_port_and_a_closed_one_fail_alike(
    closed_port, open_port, allow_loopback, media_root
):
    said = []
    for port in (closed_port, open_port):
        site = f"http://127.0.0.1:{port}"
        printed = run(site_export(site, attachment(site)), fetch_uploads=True)
        said.append(next(line for line in printed.splitlines() if "image 7" in line))

    assert said[0] == said[1] == "  image 7: not brought: the old site could not be reached"
