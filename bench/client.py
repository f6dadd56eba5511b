"""A tiny HTTP client for the benchmark's set-up: fetch a form, log in, post a comment."""

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def request(base: str, method: str, path: str, body: dict | None = None, headers=None) -> Answer:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        send_headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = urlencode(body)
            send_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=payload, headers=send_headers)
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read().decode(errors="replace"))
    finally:
        conn.close()


def cookies_of(answer: Answer) -> dict[str, str]:
    jar = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def hidden_field(html: str, name: str, *, required: bool = True) -> str | None:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    if required:
        raise SystemExit(f"no {name!r} field in the page")
    return None


def comment_form(base: str, path: str) -> dict:
    """GET the article; return its form's hidden fields and any cookie they belong to.

    An anonymous reader's form carries no CSRF token when the page is shared (Fetch
    Metadata protects the POST); an older page sets a CSRF cookie and puts its token in.
    """
    page = request(base, "GET", path)
    if page.status != 200:
        raise SystemExit(f"GET {path} answered {page.status}")
    fields = {
        "form_ts": hidden_field(page.body, "form_ts"),
        "comment_parent": "",
        "ak_hp_textarea": "",
        "url": "",
    }
    token = hidden_field(page.body, "csrfmiddlewaretoken", required=False)
    if token is not None:
        fields["csrfmiddlewaretoken"] = token
    cookies = cookies_of(page)
    return {
        "cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "fields": fields,
    }


def log_in(base: str, username: str, password: str) -> str:
    """Log into the admin; return the Cookie header value of the session."""
    form = request(base, "GET", "/admin/login/")
    csrf = cookies_of(form)["csrftoken"]
    answer = request(
        base,
        "POST",
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": hidden_field(form.body, "csrfmiddlewaretoken"),
            "username": username,
            "password": password,
            "next": "/admin/",
        },
        {"Cookie": f"csrftoken={csrf}"},
    )
    session = cookies_of(answer).get("sessionid")
    if answer.status != 302 or not session:
        raise SystemExit(f"admin login failed with {answer.status}")
    return f"csrftoken={csrf}; sessionid={session}"
