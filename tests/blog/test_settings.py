import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_settings_load_with_postgresql_and_debug_off():
    assert settings.DEBUG is False
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.AKISMET_API_URL.startswith("http")


def _production_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _production_check({"ALLOWED_HOSTS": "example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _production_check({"SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_every_setting_read_from_the_environment_is_documented_once_in_env_example():
    import re

    sources = [*(ROOT / "config" / "settings").glob("*.py"), ROOT / "config" / "gunicorn.py"]
    read = set()
    for source in sources:
        text = source.read_text()
        read |= set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'(?:_env|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', text))
    documented = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)

    assert read, "found no settings read from the environment"
    assert sorted(read - set(documented)) == []
    assert [name for name in set(documented) if documented.count(name) > 1] == []
