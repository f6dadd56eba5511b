"""`make run` and the management commands print only what a person needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support.people import editors_group

ROOT = Path(__file__).resolve().parent.parent


def test_a_fresh_manage_py_check_prints_only_its_result():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "check-output-test-" + "x" * 40,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""


def test_manage_py_without_a_secret_key_says_so_in_one_line():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == (
        "SECRET_KEY is not set: `make run` writes one into .env (or set it yourself).\n"
    )
    assert result.stdout == ""


def test_the_task_workers_make_run_starts_keep_errors_but_not_a_line_per_task(monkeypatch):
    # A fresh clone has no .env, and the local settings refuse to load without a key.
    monkeypatch.setattr("config.settings.base.SECRET_KEY", "not-empty")
    from config.settings.local import _worth_showing

    def record(name, level):
        return type("Record", (), {"name": name, "levelno": level})()

    assert not _worth_showing(record("django_tasks", 20))
    assert not _worth_showing(record("django_tasks_db", 20))
    assert _worth_showing(record("django_tasks", 40))
    assert _worth_showing(record("django_tasks_db", 30))
    assert _worth_showing(record("django.request", 20))


@pytest.mark.django_db
def test_commands_make_run_repeats_on_every_start_say_nothing_when_nothing_changed(
    settings, capsys
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_seed")
    call_command("schedule_maintenance")
    first_start = capsys.readouterr().out
    assert "Loaded the seed article" in first_start
    assert "every 1 day, 0:00:00" in first_start

    call_command("load_seed")
    call_command("schedule_maintenance")

    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_ensure_editor_reminds_a_returning_editor_how_to_sign_in(capsys):
    editors_group()
    call_command("ensure_editor", username="returning")
    assert "shown only once" in capsys.readouterr().out

    call_command("ensure_editor", username="returning")

    again = capsys.readouterr().out
    assert "Sign in at /admin/ as 'returning'" in again
    assert "changepassword returning" in again
