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


def _local_settings_say(code: str, env_overrides: dict) -> str:
    """Run `code` in `manage.py shell` under `make run`'s settings and return what it prints."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "x" * 60,
        **env_overrides,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


CONFIRM_LINK = "from subscriptions.mail import confirm_url; print(confirm_url('a@example.com'))"


def test_make_run_hands_its_port_to_every_command_it_starts():
    recipe = subprocess.run(
        ["make", "-n", "run", "PORT=8410"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    # Exported once, before the commands: the task workers send the emails, not gunicorn.
    assert "export PORT=8410;" in recipe
    assert recipe.index("export PORT=8410;") < recipe.index("run_worker --processes")


def test_emails_link_to_the_port_make_run_serves_on():
    link = _local_settings_say(CONFIRM_LINK, {"PORT": "8410"})
    assert link.startswith("http://127.0.0.1:8410/comments/subscriptions/confirm/")


def test_a_site_url_that_is_set_wins_over_the_port():
    link = _local_settings_say(CONFIRM_LINK, {"PORT": "8410", "SITE_URL": "https://blog.example/"})
    assert link.startswith("https://blog.example/comments/subscriptions/confirm/")


def test_dates_are_shown_in_utc_unless_a_time_zone_is_set():
    say_zone = "from django.conf import settings; print(settings.TIME_ZONE)"
    assert _local_settings_say(say_zone, {}) == "UTC"
    assert _local_settings_say(say_zone, {"TIME_ZONE": "Europe/Paris"}) == "Europe/Paris"


EMAIL_TIMEOUT = "from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
SMTP = "smtp://mail.example.com:25"


def test_the_mail_server_gets_a_timeout_by_default_from_email_timeout_or_the_url():
    assert _local_settings_say(EMAIL_TIMEOUT, {"EMAIL_URL": SMTP}) == "10.0"
    assert _local_settings_say(EMAIL_TIMEOUT, {"EMAIL_URL": f"{SMTP}/?timeout=4"}) == "4.0"
    with_setting = {"EMAIL_URL": SMTP, "EMAIL_TIMEOUT": "7"}
    assert _local_settings_say(EMAIL_TIMEOUT, with_setting) == "7.0"
