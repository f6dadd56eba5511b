"""Only a request with a session cookie may send the upload addresses' large bodies.

The import and "Add image" addresses let 64 MB and 20 MB through to editors; an anonymous
visitor sending that much to them was buffered to nginx's temporary files before Django said
"log in" (issue 29: four connections held 240 MB). Without a session cookie, nginx holds them
to the site's 3 MB.
"""

import httpx
import pytest

from tests.proxy.test_wordpress_upload_through_nginx import IMPORT_URL

pytestmark = pytest.mark.django_db(transaction=True)

IMAGE_URL = "/admin/blog/image/add/"
# Over the 3 MB every other request may send, under both upload limits.
BODY = b"x" * (4 * 1024 * 1024)


def anonymous_post(proxy, path: str, body: bytes, **headers) -> httpx.Response:
    with httpx.Client(base_url=proxy.url, timeout=30) as visitor:
        return visitor.post(
            path, content=body, headers={"Content-Type": "application/octet-stream", **headers}
        )


@pytest.mark.parametrize("path", [IMPORT_URL, IMAGE_URL])
def test_a_large_body_without_a_session_is_refused_by_nginx(proxy, path):
    answer = anonymous_post(proxy, path, BODY)

    assert answer.status_code == 413
    assert "nginx" in answer.text


@pytest.mark.parametrize("path", [IMPORT_URL, IMAGE_URL])
def test_a_small_body_without_a_session_gets_djangos_answer_for_that_address(proxy, web, path):
    answer = anonymous_post(proxy, path, b"x" * 1024)

    direct = anonymous_post(web, path, b"x" * 1024)
    assert direct.status_code in (302, 403)  # log in, or the CSRF check
    assert (answer.status_code, answer.headers.get("Location")) == (
        direct.status_code,
        direct.headers.get("Location"),
    )


@pytest.mark.parametrize("cookie", ["sessionid", "__Host-sessionid"])
def test_a_request_with_a_session_cookie_may_send_a_large_body(proxy, cookie):
    answer = anonymous_post(proxy, IMPORT_URL, BODY, Cookie=f"{cookie}=not-signed-in")

    # Past nginx: Django reads the body and sends the stranger to log in.
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/login/")
