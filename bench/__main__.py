"""`make bench`: the reader's and the editor's paths measured beside the framework's floor.

It recreates a separate `bench` database (the development data is untouched), loads the data
set with set-based SQL (bench/data.py), starts the real stack the way production runs it
(gunicorn with config/gunicorn.py, `manage.py db_worker`, nginx with deploy/nginx/ in front,
and the Akismet double answering after 300 ms as its own process; all through `devstack`),
drives it with wrk, prints a table with every figure's ratio to its floor measured in the
same run (the trivial view; for nginx, nginx serving the same bytes as a static file),
checks the targets, and writes bench/results.json. Everything it started is stopped by PID.
Then it measures the WordPress import (bench/wordpress_import.py), whose figures go to
bench/import_results.json.

    python -m bench                     # the whole benchmark, a few minutes
    python -m bench --seconds 1         # a quick smoke run
    python -m bench --parts import      # only the WordPress import (no stack, no wrk)
    python -m bench --markdown          # the last results as docs/performance.md's tables
    python -m bench --compare-workers   # gunicorn worker classes and counts, side by side
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import wrk
from bench.database import bench_database_url, machine, recreate_database
from bench.measure import Bench, wait_until_idle
from bench.report import print_markdown, report, targets
from bench.runs import (
    AKISMET_DELAY,
    gunicorn_settings,
    run_admin,
    run_article,
    run_comments,
    run_compare_workers,
    run_floor,
)
from devstack.nginx import nginx_binary
from devstack.stack import ROOT, Stack, free_port, start_gunicorn


def compose_task_workers() -> int:
    """Return the number of task workers `docker compose up` starts by default."""
    text = (ROOT / "docker-compose.yml").read_text()
    found = re.search(r"replicas: \$\{TASK_WORKERS:-(\d+)\}", text)
    return int(found[1]) if found else 8


def bench_env(database_url: str, akismet_port: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            # Every benchmark comment comes from 127.0.0.1 with its reader's own address in
            # X-Forwarded-For, as behind the production proxy, so the flood rule stays on.
            "TRUSTED_PROXY_HOPS": "1",
            "AKISMET_API_KEY": "bench-key",
            "AKISMET_API_URL": f"http://127.0.0.1:{akismet_port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    return env


def nginx_version() -> str:
    binary = nginx_binary()
    if binary is None:
        return ""
    found = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    return found.stderr.strip().removeprefix("nginx version: ")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4, help="length of each wrk run")
    parser.add_argument(
        "--task-workers",
        type=int,
        default=int(os.environ.get("TASK_WORKERS") or compose_task_workers()),
        help="db_worker processes (default: docker compose's; `make run` starts 2)",
    )
    parser.add_argument("--compare-workers", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare-workers")
    parser.add_argument(
        "--parts",
        default="floor,proxy,article,comments,wave,admin,import",
        help="which measurements to run",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the last results as a Markdown table"
    )
    parser.add_argument(
        "--import-scale",
        type=float,
        default=1.0,
        help="size of the import's files as a fraction of the full ones (0.1: a smoke run)",
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print_markdown()
        return
    parts = args.parts.split(",")
    if set(parts) - {"import"}:
        run_stack(args, parts)
    if "import" in parts:
        # The WordPress import (issue 15) runs alone, in its own database, after the stack,
        # and keeps its figures in their own file: the stack's results stay as they were.
        from bench import wordpress_import

        wordpress_import.run(args.import_scale)


def run_stack(args, parts: list[str]) -> None:
    """Measure the reader's and the editor's paths on the real stack; write results.json."""
    wrk.require_wrk()
    if "proxy" in parts and nginx_binary() is None:
        raise SystemExit(
            "nginx is not installed: `make bench` installs it when run as root; otherwise run "
            "`sudo apt-get install nginx`."
        )

    started = time.monotonic()
    database_url = bench_database_url()
    recreate_database(database_url)
    akismet_port = free_port()
    env = bench_env(database_url, akismet_port)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from bench import data
    from blog.models import Post

    print("Setting up the bench database", flush=True)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_seed", verbosity=0)
    seed = Post.objects.get(slug=data.SEED_SLUG)
    t = time.monotonic()
    data.load_posts(seed)
    data.load_comments_at_scale()
    print(f"  loaded the data set in {time.monotonic() - t:.1f} s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = Stack({**env, "LIVE_STACK_LOGS": str(work / "logs")})
    bench = Bench(args, stack, "")
    try:
        stack.start(
            "akismet",
            [
                *(sys.executable, "-m", "devstack.akismet_double"),
                *("--port", str(akismet_port), "--delay", str(AKISMET_DELAY)),
            ],
        )
        bench.base = stack.add("gunicorn", start_gunicorn(stack.env)).url
        if args.compare_workers:
            run_compare_workers(bench, seed)
            return
        for n in range(args.task_workers):
            stack.start(f"db_worker-{n}", [sys.executable, "manage.py", "run_worker"])
        wait_until_idle(stack.pids("db_worker"))
        g = gunicorn_settings()
        at_200 = []
        if "proxy" in parts:
            from bench.proxy import run_proxy, start_proxy

            (work / "static").mkdir()
            start_proxy(bench, work / "static")
            at_200.append(run_proxy)
        print(
            f"Stack: gunicorn {g['worker_class']} x{g['workers']} ({g['threads']} threads), "
            f"{args.task_workers} db_worker processes, Akismet double at "
            f"{AKISMET_DELAY * 1000:.0f} ms, nginx {nginx_version() or 'not running'}; "
            f"each wrk run {args.seconds:.0f} s",
            flush=True,
        )
        run_floor(bench)
        if "article" in parts or "proxy" in parts:
            run_article(bench, seed, at_200=at_200)
        if "comments" in parts:
            run_comments(bench, seed)
        if "wave" in parts:
            from bench.wave import run_wave

            run_wave(bench, seed)
        if "admin" in parts:
            run_admin(bench)
        info = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "gunicorn": g,
            "nginx": nginx_version(),
            "task_workers": args.task_workers,
            "seconds_per_run": args.seconds,
            "bench_seconds": round(time.monotonic() - started),
        }
        report(bench, targets(bench), info)
        print(f"Machine: {info['machine']}; whole run {info['bench_seconds']} s; logs in {work}")
    finally:
        if bench.proxy is not None:
            bench.proxy.stop()
        stack.stop_all()


if __name__ == "__main__":
    main()
