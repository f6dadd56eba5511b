"""Admin login lockout through the real proxy, from many real addresses (127.0.0.N).

Linux answers on all of 127.0.0.0/8, so each guess can come from an address of its own, the
way a botnet's would; nginx passes the address it saw, and the client cannot choose another.
"""

import re

import httpx
import pytest

from tests.factories import UserFactory
from tests.proxy.conftest import PAIR_LIMIT, USERNAME_LIMIT

pytestmark = pytest.mark.django_db(transaction=True)
RIGHT = "correct horse battery"


def attempt(proxy, address: str, username: str, password: str, spoof: str = "") -> httpx.Response:
    """Try to sign in at /admin/ through nginx from `address`; return the POST's answer."""
    transport = httpx.HTTPTransport(local_address=address)
    headers = {"X-Forwarded-For": spoof} if spoof else {}
    with httpx.Client(base_url=proxy.url, transport=transport, timeout=10) as browser:
        form = browser.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        return browser.post(
            "/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers=headers,
        )


def test_a_user_name_is_locked_after_failures_from_many_addresses(proxy):
    UserFactory(username="spread-target", is_staff=True)
    guesses = [
        attempt(proxy, f"127.0.0.{10 + n}", "spread-target", f"guess {n}").status_code
        for n in range(USERNAME_LIMIT)
    ]
    # The form again ("Please enter the correct..."), until the guess that reaches the limit.
    assert guesses == [200] * (USERNAME_LIMIT - 1) + [429]

    right = attempt(proxy, "127.0.0.99", "spread-target", RIGHT)

    assert right.status_code == 429
    assert "sessionid" not in right.cookies


def test_fewer_failures_from_many_addresses_leave_the_user_name_open(proxy):
    UserFactory(username="spread-survivor", is_staff=True)
    for n in range(USERNAME_LIMIT - 1):
        attempt(proxy, f"127.0.0.{10 + n}", "spread-survivor", f"guess {n}")

    assert attempt(proxy, "127.0.0.99", "spread-survivor", RIGHT).status_code == 302


def test_forged_addresses_count_as_the_one_address_nginx_saw(proxy):
    UserFactory(username="forged-target", is_staff=True)
    for n in range(PAIR_LIMIT):
        attempt(proxy, "127.0.0.20", "forged-target", f"guess {n}", spoof=f"198.51.100.{n + 1}")

    right = attempt(proxy, "127.0.0.20", "forged-target", RIGHT, spoof="198.51.100.200")

    assert right.status_code == 429
