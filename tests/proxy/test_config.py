"""The deploy files themselves: docker compose's shape, and nginx's config in both modes."""

import os
import re
import shutil
import subprocess
import time

import pytest
import yaml
from django.core.management import call_command

from comments.intake.cookies import AUTHOR_COOKIES, PENDING_COOKIE
from devstack.nginx import MAIN_CONF, TEMPLATES, check_config, nginx_binary, render_templates
from devstack.stack import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_only_the_proxy_publishes_ports():
    publishing = {name for name, service in COMPOSE["services"].items() if service.get("ports")}

    assert publishing == {"proxy"}
    assert sorted(COMPOSE["services"]["proxy"]["ports"]) == ["443:443", "80:80"]


def test_compose_reads_the_database_password_from_the_environment():
    text = (ROOT / "docker-compose.yml").read_text()

    assert COMPOSE["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )
    assert "blog:blog@" not in text


def test_compose_bounds_redis_memory_with_an_lru_policy():
    command = COMPOSE["services"]["redis"]["command"]

    assert re.search(r"--maxmemory \S+", command)
    assert "--maxmemory-policy allkeys-lru" in command


def test_the_web_server_and_the_proxy_report_their_health():
    for name in ("web", "proxy"):
        assert COMPOSE["services"][name]["healthcheck"]["test"], name
    assert (ROOT / COMPOSE["services"]["web"]["healthcheck"]["test"][-1]).exists()


def test_the_editors_first_password_never_reaches_the_logs(db, monkeypatch, capsys):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("EDITOR_PASSWORD", "a long and private passphrase")
    migrate = COMPOSE["services"]["migrate"]["command"]
    assert "ensure_editor --password-from-env EDITOR_PASSWORD" in migrate

    call_command("ensure_editor", password_from_env="EDITOR_PASSWORD")

    assert "a long and private passphrase" not in capsys.readouterr().out
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("a long and private passphrase")


@pytest.mark.parametrize(
    ("cookie", "private"),
    [
        ("sessionid=abc", True),
        ("__Host-sessionid=abc", True),
        (f"{PENDING_COOKIE}=1:abc", True),
        *[(f"theme=dark; {name}=Ada", True) for name in AUTHOR_COOKIES.values()],
        ("messages=abc", True),
        ("comment_anything_new=1", True),
        ("", False),
        ("csrftoken=abc", False),
        ("__Host-csrftoken=abc", False),
        ("notsessionid=abc", False),
    ],
)
def test_the_proxy_keeps_every_page_private_whose_request_carries_our_cookies(cookie, private):
    """Check nginx's cookie map against the cookie names the app really uses."""
    template = (TEMPLATES / "default.conf.template").read_text()
    pattern = re.search(r'map \$http_cookie \$blog_private \{.*?"~([^"]+)" 1;', template, re.S)[1]

    assert bool(re.search(pattern, cookie)) is private


def test_the_cookie_names_nginx_knows_are_the_apps(settings):
    template = (TEMPLATES / "default.conf.template").read_text()

    for name in (settings.SESSION_COOKIE_NAME, "__Host-sessionid"):
        assert name in template
    assert r"comment_\w+" in template
    assert all(name.startswith("comment_") for name in [PENDING_COOKIE, *AUTHOR_COOKIES.values()])


@pytest.mark.skipif(
    nginx_binary() is None and not os.environ.get("CI"),
    reason="nginx is missing (apt-get install nginx)",
)
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is missing")
def test_the_https_config_compose_renders_is_valid_nginx(tmp_path):
    proxy = COMPOSE["services"]["proxy"]["environment"]
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(certs / "privkey.pem")),
            *("-out", str(certs / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    for sub in ("tmp", "cache", "static", "acme"):
        (tmp_path / sub).mkdir()
    values = {
        **{key: str(value) for key, value in proxy.items()},
        "NGINX_CONF_DIR": str(tmp_path / "conf.d"),
        "BLOG_UPSTREAM": "127.0.0.1:9",
        "BLOG_STATIC_ROOT": str(tmp_path / "static"),
        "BLOG_CACHE_DIR": str(tmp_path / "cache"),
        "PROXY_MODE": "https",
        "PROXY_TRUSTED_LB": "127.0.0.1",
        "TLS_CERT_DIR": str(certs),
        "ACME_ROOT": str(tmp_path / "acme"),
        "WORDPRESS_IMPORT_BODY_MAX_BYTES": "335544320",
        "IMAGE_MAX_BYTES": "20971520",
        "BLOG_MEDIA_ROOT": str(tmp_path / "media"),
    }
    render_templates(values, tmp_path / "conf.d")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        MAIN_CONF.format(
            user="",
            folder=tmp_path,
            workers=1,
            mime_types="/etc/nginx/mime.types",
            access_log="off",
        )
    )

    checked = check_config(conf, tmp_path)

    assert checked.returncode == 0, checked.stderr
    rendered = (tmp_path / "conf.d" / "blog-https.inc").read_text()
    assert "listen 443 ssl" in rendered
    assert "return 301 https://" in rendered


def test_a_shared_page_tells_the_proxy_the_last_second_it_is_fresh(client, seed_post):
    before = int(time.time())
    shared = client.get(seed_post.get_absolute_url())
    after = int(time.time())

    assert "s-maxage=1" in shared["Cache-Control"]
    assert before <= int(shared["X-Accel-Expires"].removeprefix("@")) <= after


def test_a_private_page_tells_the_proxy_nothing(client, seed_post):
    client.cookies["comment_author"] = "Ada"

    private = client.get(seed_post.get_absolute_url())

    assert "private" in private["Cache-Control"]
    assert "X-Accel-Expires" not in private
