"""The benchmark's own throwaway database, and a description of the machine it ran on."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

from devstack.stack import ROOT

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


def database_backend_pids() -> list[int]:
    """Return the PostgreSQL backends serving the bench database, except this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


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
