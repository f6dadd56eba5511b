"""The benchmark's own database and the processes of the real stack, each stopped by its PID."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH_DATABASE = "bench"


def bench_database_url() -> str:
    """Return the URL of the throwaway `bench` database, beside the development one."""
    env = environ.Env()
    environ.Env.read_env(ROOT / ".env", overwrite=False)
    if url := env("BENCH_DATABASE_URL", default=""):
        return url
    if url := env("DATABASE_URL", default=""):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    from config.embedded_postgres import database_settings

    socket_dir = database_settings()["HOST"]
    return f"postgres://postgres@/{BENCH_DATABASE}?host={socket_dir}"


def recreate_database(url: str) -> None:
    """Drop and create the bench database, so every run starts from the same data."""
    import psycopg

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to recreate database {name!r}: its name must contain 'bench'.")
    params = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or config.get("OPTIONS", {}).get("host"),
        "port": config.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        quoted = psycopg.sql.Identifier(name)
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(quoted))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """Start processes with one environment; `stop()` ends exactly those, by PID."""

    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], extra_env: dict | None = None) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            argv,
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def server_pids(self) -> list[int]:
        """Return gunicorn's processes and the task workers (not the load generators)."""
        pids = []
        for name, process in self.processes.items():
            if name == "gunicorn" or name.startswith("db_worker"):
                pids += [process.pid, *_children(process.pid)]
        return pids

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{name} exited with {process.returncode}:\n{log}")

    def start_gunicorn(self, port: int, **settings) -> None:
        extra = {"GUNICORN_BIND": f"127.0.0.1:{port}"}
        extra.update({key: str(value) for key, value in settings.items()})
        self.start(
            "gunicorn", [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"], extra
        )
        wait_until_up(f"http://127.0.0.1:{port}/healthz", self)


def _children(pid: int) -> list[int]:
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


def wait_until_up(url: str, stack: Stack, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def machine() -> dict:
    """Describe the machine the figures come from."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    kb = next(
        (int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0
    )
    return {"nproc": os.cpu_count(), "cpu": model, "memory_gb": round(kb / 1024 / 1024, 1)}
