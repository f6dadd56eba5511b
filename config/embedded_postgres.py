"""The embedded PostgreSQL used when DATABASE_URL is unset.

`pgserver` ships the server binaries in its wheel, so a fresh machine with only Python
gets a real PostgreSQL in `.data/postgres`. The server outlives the process that started
it, so `make run`, `make test` and every gunicorn worker share one instance.

    python -m config.embedded_postgres start   # prints "started" or "running"
    python -m config.embedded_postgres stop
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_POSTGRES_DIR", BASE_DIR / ".data" / "postgres"))
DATABASE_NAME = "blog"


def _server():
    # pgserver warns when XDG_RUNTIME_DIR is unset; the fallback it picks is fine here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(DATA_DIR, cleanup_mode=None)


def is_running() -> bool:
    pid_file = DATA_DIR / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return False
    return True


def database_settings() -> dict:
    """Start the server if needed, create the project database, and return Django settings."""
    server = _server()
    socket_dir = server.get_postmaster_info().socket_dir
    # DATABASE_NAME is a constant of this module, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(socket_dir),
    }


def stop() -> None:
    if not is_running():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        # A handle that stops the server when it is closed; ours is the last one open.
        pgserver.get_server(DATA_DIR, cleanup_mode="stop").cleanup()


def _database_url_configured() -> bool:
    import environ

    env = environ.Env()
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
    return bool(env("DATABASE_URL", default=""))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        if _database_url_configured():
            print("external")
            return 0
        was_running = is_running()
        database_settings()
        print("running" if was_running else "started")
    elif command == "stop":
        stop()
    elif command == "status":
        print("running" if is_running() else "stopped")
    else:
        print(f"unknown command {command!r}; use start, stop or status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
