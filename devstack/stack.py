"""Real gunicorn servers and task workers for tests, the soak run and the benchmark.

    env = stack_env(database_url_for(connection), CACHE_URL=f"filecache://{tmp}/cache")
    with gunicorn(env) as web, db_worker(env):  # manage.py run_worker
        requests.post(f"{web.url}/comments/post/1/", ...)

Each process runs with the environment it is given (tests: `devstack.live_settings`, the
`make run` settings reading everything from the environment), binds 127.0.0.1 on a free
port, logs to a file, and is stopped by its PID. `Stack` keeps a named group of them.
"""

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
# The interpreter running us: the project's .venv under make, pytest and the benchmark.
BIN = Path(sys.executable).parent
PYTHON = Path(sys.executable)

# httpx logs every request at INFO; thousands of them would bury a failure's story.
logging.getLogger("httpx").setLevel(logging.WARNING)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now.

    Another process may take it before ours binds it: prefer `listening_socket()`, or retry.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_socket() -> socket.socket:
    """Return a socket already listening on a free port of 127.0.0.1, to hand to a server.

    The port is ours from the moment it is chosen, so no other process can take it before
    the server starts (as it could between `free_port()` and the server's own bind).
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


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
        "DJANGO_SETTINGS_MODULE": "devstack.live_settings",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "live-stack-test-key-not-secret-" + "x" * 30,
        "DATABASE_URL": db_url,
        "CONN_MAX_AGE": "60",
        "EMAIL_URL": "dummymail://",
        "AKISMET_API_KEY": "",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        # Production's priorities (readers first) would starve the servers a test waits on
        # when the suite keeps the cores busy; tests/proxy/test_readers_first.py checks them.
        "WEB_NICENESS": "0",
        "TASK_WORKER_NICENESS": "0",
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
        """SIGTERM this process, then SIGKILL it if it has not ended within `timeout`."""
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


def spawn(name: str, args: list[str], env: dict, *, pass_fds: tuple[int, ...] = ()) -> Process:
    """Start `args` in the project folder with `env`, its output going to a log file."""
    log_path = _log_dir(env) / f"{name}-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=pass_fds
        )
    return Process(name, popen, log_path)


def wait_until_ready(process: Process, path: str = "/healthz", timeout: float = 60) -> None:
    """Wait until `process.url + path` answers 200; raise with its log if it dies or stalls."""
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
    # gunicorn serves on a socket we bound (`fd://`): the port cannot be taken meanwhile.
    with listening_socket() as sock:
        port = sock.getsockname()[1]
        env = {**env, "GUNICORN_BIND": f"fd://{sock.fileno()}"}
        if workers is not None:
            env["WEB_CONCURRENCY"] = str(workers)
        process = spawn(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            env,
            pass_fds=(sock.fileno(),),
        )
    process.url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process)
    except BaseException:
        process.stop()
        raise
    return process


def start_db_worker(env: dict, *, interval: float = 0.2) -> Process:
    """Start `manage.py run_worker` (the task queue's worker, `core.workers`) in its own process."""
    return spawn(
        "db_worker", [str(PYTHON), "manage.py", "run_worker", "--interval", str(interval)], env
    )


def manage(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a management command with the stack's environment; raise if it fails."""
    result = subprocess.run(
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
    """Run gunicorn for the `with` block."""
    process = start_gunicorn(env, workers=workers)
    try:
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def db_worker(env: dict, *, interval: float = 0.2):
    """Run one task worker for the `with` block."""
    process = start_db_worker(env, interval=interval)
    try:
        yield process
    finally:
        process.stop()


class Stack:
    """A named group of processes sharing one environment; `stop_all()` ends each by PID."""

    def __init__(self, env: dict):
        self.env = env
        self.processes: dict[str, Process] = {}

    def add(self, name: str, process: Process) -> Process:
        self.processes[name] = process
        return process

    def start(self, name: str, args: list[str], extra_env: dict | None = None) -> Process:
        return self.add(name, spawn(name, args, {**self.env, **(extra_env or {})}))

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            process.stop()

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def check_alive(self) -> None:
        """Raise with the log of any process of the group that has ended."""
        for name, process in self.processes.items():
            if not process.alive():
                raise RuntimeError(
                    f"{name} exited with {process.popen.returncode}:\n{process.log()[-3000:]}"
                )

    def pids(self, *names: str) -> list[int]:
        """Return the PIDs of the named processes (all when none is named) and their children."""
        found = []
        for name, process in self.processes.items():
            if not names or name in names or name.split("-")[0] in names:
                found += [process.pid, *children(process.pid)]
        return found


def children(pid: int) -> list[int]:
    """Return the direct children of a process (gunicorn's workers, nginx's)."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def cpu_seconds(pids) -> dict[int, float]:
    """Return the CPU time (user + system) each process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


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
