"""Real gunicorn servers and task workers for reliability tests, the soak run and fault drills.

    env = stack_env(database_url_for(connection), CACHE_URL=f"filecache://{tmp}/cache")
    with gunicorn(env) as web, db_worker(env):
        requests.post(f"{web.url}/comments/post/1/", ...)

Each process runs `tests.live_settings` (the `make run` settings, reading everything from
the environment), binds 127.0.0.1 on a free port, logs to a file, and is stopped by its PID.
"""

import contextlib
import logging
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"

# httpx logs every request at INFO; thousands of them would bury a failure's story.
logging.getLogger("httpx").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """Return a DATABASE_URL for a Django database settings dict (socket or TCP)."""
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host", "")
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@"
    name = settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgres://{auth}/{name}?host={host}"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name}"


def database_url_for(connection) -> str:
    """Return the DATABASE_URL of a live Django connection (the test database in tests)."""
    return database_url(connection.settings_dict)


def stack_env(db_url: str, **overrides) -> dict:
    """Return the environment of a web server or worker: the test settings of a real deploy."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "live-stack-test-key-not-secret-" + "x" * 30,
        "DATABASE_URL": db_url,
        "CONN_MAX_AGE": "60",
        "EMAIL_URL": "dummymail://",
        "AKISMET_API_KEY": "",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path
    url: str = ""

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL this process only (a crash, not a shutdown)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive():
            return
        os.kill(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def _log_dir(env: dict) -> Path:
    folder = env.get("LIVE_STACK_LOGS") or os.environ.get("LIVE_STACK_LOGS")
    path = Path(folder or tempfile.mkdtemp(prefix="live-stack-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _spawn(name: str, args: list[str], env: dict) -> Process:
    log_path = _log_dir(env) / f"{name}-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(  # Our own fixed command line.
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return Process(name, popen, log_path)


def wait_until_ready(process: Process, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited early:\n{process.log()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{process.url}{path}", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} was not ready in {timeout}s:\n{process.log()[-3000:]}")


def start_gunicorn(env: dict, *, workers: int | None = None) -> Process:
    """Start `gunicorn -c config/gunicorn.py config.wsgi` on a free port and wait for it."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    process = _spawn(
        "gunicorn", [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"], env
    )
    process.url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process)
    except BaseException:
        process.stop()
        raise
    return process


def start_db_worker(env: dict, *, interval: float = 0.2) -> Process:
    """Start `manage.py db_worker` (the task queue's worker) in its own process."""
    return _spawn(
        "db_worker",
        [
            str(PYTHON),
            "manage.py",
            "db_worker",
            "--interval",
            str(interval),
            "--no-startup-delay",
            "--no-reload",
        ],
        env,
    )


def manage(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a management command with the stack's environment; raise if it fails."""
    result = subprocess.run(  # Our own fixed command line.
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int | None = None):
    process = start_gunicorn(env, workers=workers)
    try:
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def db_worker(env: dict, *, interval: float = 0.2):
    process = start_db_worker(env, interval=interval)
    try:
        yield process
    finally:
        process.stop()


def comment_form(html: str) -> tuple[str, dict[str, str]]:
    """Return the comment form's action and its hidden fields, as a reader's browser would."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find("form", id="commentform")
    if form is None:
        raise ValueError("the page has no comment form")
    fields = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", attrs={"type": "hidden"})
        if field.get("name")
    }
    return form["action"], fields
