import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/2007/05/selling-vs-marketing/"


def _production(args: list[str]) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "p" * 30 + "roduction-only-" + "k" * 30,
        "ALLOWED_HOSTS": "blog.example.com",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deployment_checklist():
    result = _production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    # Clean; the one thing said is left to the owner: without an Akismet key no comment is
    # spam-checked.
    assert result.returncode == 0
    assert re.findall(r"\(([\w.]+\.[CEWID]\d{3})\)", result.stdout + result.stderr) == [
        "comments.I002"
    ]
    assert "AKISMET_API_KEY" in result.stdout + result.stderr


def test_production_enforces_https_hsts_and_secure_host_only_cookies():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_SECONDS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_NAME', "
        "'CSRF_COOKIE_NAME', 'SESSION_COOKIE_HTTPONLY', 'DEBUG']}))"
    )
    result = _production(["-c", script])
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout)

    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["DEBUG"] is False


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["img-src"]) == {
        "'self'",
        "https://www.gravatar.com",
        "https://secure.gravatar.com",
        "data:",
    }
    for name, values in policy.items():
        for value in values:
            assert value not in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"), name


def test_article_page_is_served_with_a_strict_content_security_policy(client, seed_post):
    response = client.get(ARTICLE)

    assert response.status_code == 200
    _assert_strict(_policy(response))


def test_admin_login_is_served_with_a_strict_content_security_policy(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    _assert_strict(_policy(response))


@pytest.mark.parametrize("path", ["/admin/", "/admin/comments/comment/"])
def test_admin_pages_are_served_with_a_strict_content_security_policy(admin_client, path):
    response = admin_client.get(path)

    assert response.status_code == 200
    _assert_strict(_policy(response))


@pytest.mark.parametrize("path", [ARTICLE, "/", "/admin/login/", "/no-such-page/"])
def test_pages_forbid_sniffing_framing_and_leaking_the_address(client, seed_post, path):
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_hidden_from_scripts_and_other_sites(client, db):
    from tests.factories import UserFactory

    UserFactory(username="editor", is_staff=True)
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert 0 < int(session["max-age"]) <= 60 * 60 * 12
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def test_database_outage_answers_503_with_retry_after_and_a_friendly_page(
    client, seed_post, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server on socket failed: No such file")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get(ARTICLE)
    monkeypatch.undo()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "try again in a minute" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    assert "Content-Security-Policy" in response


def test_a_broken_page_answers_the_plain_500_page_not_the_outage_page(client, seed_post):
    from django.test import override_settings

    client.raise_request_exception = False
    with override_settings(BLOG_POSTS_PER_PAGE="not a number"):
        response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_database_outage_outside_the_view_also_answers_503(client, db, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    from tests.factories import UserFactory

    UserFactory(username="editor", is_staff=True)
    client.get("/admin/login/")
    client.raise_request_exception = False

    create = SessionStore.save

    def save(self, must_create=False):
        if must_create:  # The login view creates the session...
            return create(self, must_create=True)
        # ...and SessionMiddleware saves it after the view has answered: the database is gone.
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", save)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "correct horse battery"},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()
