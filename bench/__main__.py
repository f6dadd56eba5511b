"""`make bench`: the reader's and the editor's paths measured beside the framework's floor.

It recreates a separate `bench` database (the development data is untouched), loads the data
set with set-based SQL (bench/data.py), starts the real stack the way `make run` does
(gunicorn with config/gunicorn.py, `manage.py db_worker`, and the Akismet double answering
after 300 ms as its own process), drives it with wrk, prints a table with every figure's
ratio to the trivial view measured in the same run, checks the targets, and writes
bench/results.json. Everything it started is stopped by PID at the end.

    python -m bench                     # the whole benchmark, a few minutes
    python -m bench --compare-workers   # gunicorn worker classes and counts, side by side
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import wrk
from bench.client import comment_form, log_in, request
from bench.stack import (
    ROOT,
    Stack,
    bench_database_url,
    cpu_seconds,
    free_port,
    machine,
    recreate_database,
)

RESULTS = ROOT / "bench" / "results.json"
AKISMET_DELAY = 0.3
STAGES = (10, 200, 2000)
CONCURRENCY = (1, 8, 32)
TRICKLE_RATE, TRICKLE_SECONDS, CHECK_DEADLINE = 20, 10, 2.0
WORKER_CONFIGS = [
    {"GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": 2, "GUNICORN_THREADS": 1},
    {"GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": 4, "GUNICORN_THREADS": 1},
    {"GUNICORN_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": 2, "GUNICORN_THREADS": 4},
    {"GUNICORN_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": 4, "GUNICORN_THREADS": 2},
]


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


class Bench:
    def __init__(self, args, stack: Stack, base: str):
        self.args = args
        self.stack = stack
        self.base = base
        self.rows: list[dict] = []
        self.extra: dict = {}

    def measure(self, label: str, path: str, connections: int, floor: str = "", **options):
        """Run wrk against `path` and keep the figures as a row of the table."""
        self.stack.check_alive()
        before = cpu_seconds(self.stack.server_pids() + database_backend_pids())
        figures = wrk.run(
            self.base + path, connections=connections, seconds=self.args.seconds, **options
        )
        # CPU per request of the server side (gunicorn, task workers, their PostgreSQL
        # backends): unlike requests/s, it holds when other work shares the machine. A process
        # that ended during the run takes its share with it, so this errs on the low side.
        after = cpu_seconds(self.stack.server_pids() + database_backend_pids())
        used = sum(seconds - before.get(pid, 0) for pid, seconds in after.items())
        cpu_ms = used * 1000 / max(figures.requests, 1)
        row = {"label": label, "c": connections, **figures.as_dict(), "cpu_ms": round(cpu_ms, 3)}
        row["floor"] = floor or f"/healthz c={connections}"
        self.rows.append(row)
        print(
            f"  {label:<44} c={connections:<3} {figures.rps:>8.0f} req/s  "
            f"p50 {figures.p50_ms:>7.2f} ms  p99 {figures.p99_ms:>7.2f} ms  cpu {cpu_ms:.2f} ms/req"
            + (f"  errors {figures.errors}" if figures.errors else ""),
            flush=True,
        )
        return row

    def warm(self, path: str, headers: dict | None = None) -> None:
        """Let every gunicorn worker render the page once, so caches are warm."""
        wrk.run(self.base + path, connections=8, seconds=1, headers=headers)

    def row(self, label: str, c: int) -> dict:
        return next(r for r in self.rows if r["label"] == label and r["c"] == c)

    def expect(self, path: str, status: int, headers: dict | None = None):
        answer = request(self.base, "GET", path, headers=headers)
        if answer.status != status:
            raise SystemExit(f"GET {path} answered {answer.status}, expected {status}")
        return answer


def database_backend_pids() -> list[int]:
    """Return the PostgreSQL backends serving the bench database, except this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def run_floor(bench: Bench) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    print("Framework floor", flush=True)
    bench.expect("/healthz", 200)
    bench.warm("/healthz")
    for c in CONCURRENCY:
        bench.measure("floor: /healthz (trivial view)", "/healthz", c)
    static = staticfiles_storage.url("blog/site.css")
    bench.expect(static, 200)
    bench.measure("floor: static file (whitenoise)", static, 8)


def run_article(bench: Bench, seed) -> None:
    from bench.data import grow_seed_thread

    path = seed.get_absolute_url()
    for total in STAGES:
        grow_seed_thread(seed, total)
        print(f"Article page, {total} approved comments", flush=True)
        bench.expect(path, 200)
        bench.warm(path)
        for c in CONCURRENCY:
            bench.measure(f"article, {total} comments", path, c)
        if total == 200:
            run_conditional(bench, path)


def run_conditional(bench: Bench, path: str) -> None:
    print("Conditional GET, 200 comments", flush=True)
    from bench.client import cookies_of

    first = bench.expect(path, 200)
    # A browser's revalidation: its CSRF cookie and the page's ETag.
    cookie = f"csrftoken={cookies_of(first)['csrftoken']}"
    by_etag = {"Cookie": cookie, "If-None-Match": first.headers["ETag"]}
    bench.expect(path, 304, by_etag)
    bench.measure("article revalidated: If-None-Match → 304", path, 8, headers=by_etag)
    # A crawler's: no cookies, only the date.
    by_date = {"If-Modified-Since": first.headers["Last-Modified"]}
    bench.expect(path, 304, by_date)
    bench.measure("article revalidated: If-Modified-Since → 304", path, 8, headers=by_date)


def run_comments(bench: Bench, seed) -> None:
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from comments.models import Comment

    path, action = seed.get_absolute_url(), reverse("comments:post", args=[seed.pk])
    print(
        f"Comment POST (Akismet double answers after {AKISMET_DELAY * 1000:.0f} ms; each comment "
        "has its own address in X-Forwarded-For, so the 15 s flood rule stays on)",
        flush=True,
    )
    form = comment_form(bench.base, path)  # used by wrk below, long after it was rendered

    # Queue latency: a steady 20 comments/s from its own process.
    trickle = subprocess.run(  # noqa: S603 (our own command)
        [
            *(sys.executable, "-m", "bench.trickle", bench.base, path, action),
            *("--rate", str(TRICKLE_RATE), "--seconds", str(TRICKLE_SECONDS)),
        ],
        cwd=ROOT,
        env=bench.stack.env,
        capture_output=True,
        text=True,
        check=True,
    )
    sent = json.loads(trickle.stdout)
    ids = sent["ids"]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not Comment.objects.filter(pk__in=ids, spam_checked_at__isnull=True).exists():
            break
        time.sleep(0.25)
    waits = [
        (checked - submitted).total_seconds()
        for submitted, checked in Comment.objects.filter(pk__in=ids).values_list(
            "submitted_at", "spam_checked_at"
        )
        if checked is not None
    ]
    unchecked = len(ids) - len(waits)
    queue = {
        "posted": sent["sent"],
        "stored": len(ids),
        "statuses": sent["statuses"],
        "checked": len(waits),
        "unchecked": unchecked,
        "p50_s": round(statistics.median(waits), 3) if waits else None,
        "p99_s": round(sorted(waits)[max(0, int(len(waits) * 0.99) - 1)], 3) if waits else None,
        "max_s": round(max(waits), 3) if waits else None,
        "post_p99_ms": sorted(sent["post_ms"])[int(len(sent["post_ms"]) * 0.99) - 1],
    }
    bench.extra["queue"] = queue
    print(
        f"  queue latency at {TRICKLE_RATE}/s for {TRICKLE_SECONDS} s: {len(waits)}/{len(ids)} "
        f"checked, median {queue['p50_s']} s, max {queue['max_s']} s "
        f"(stored {len(ids)} of {sent['sent']}, statuses {sent['statuses']})",
        flush=True,
    )

    # Throughput: distinct comments from distinct readers as fast as the server takes them.
    before = Comment.objects.count()
    values = {
        "path": action,
        "cookie": form["cookie"],
        "fields": "&".join(
            f"{name}={value}" for name, value in _urlencoded(form["fields"]).items()
        ),
    }
    for c in (1, 8):
        bench.measure(
            "comment POST → 302 (Akismet queued)",
            action,
            c,
            script="post_comment.lua",
            # Each run's readers have addresses of their own, apart from the last run's.
            values={**values, "run": secrets.token_hex(3), "net": str(10 * c)},
        )
    stored = Comment.objects.count() - before
    bench.rows[-1]["stored"] = stored
    # The throughput run leaves a backlog of checks that would keep the workers busy
    # through the admin measurements; drop the queued tasks (the comments stay).
    backlog = DBTaskResult.objects.filter(status="READY").delete()[0]
    bench.extra["post_backlog_dropped"] = backlog
    print(f"  stored {stored} comments; dropped {backlog} queued checks after the run", flush=True)


def _urlencoded(fields: dict) -> dict:
    from urllib.parse import quote_plus

    return {name: quote_plus(value) for name, value in fields.items()}


def run_admin(bench: Bench) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    print("Admin at full scale (logged-in editor)", flush=True)
    password = secrets.token_urlsafe(16)
    editor = get_user_model().objects.create_user(
        "bench-editor", "bench-editor@example.com", password, is_staff=True
    )
    group = Group.objects.filter(name="Editors").first()
    if group:
        editor.groups.add(group)
    else:
        editor.is_superuser = True
        editor.save()
    session = {"Cookie": log_in(bench.base, "bench-editor", password)}
    pages = [
        ("admin: moderation queue", "/admin/comments/comment/"),
        ("admin: spam", "/admin/comments/comment/?status__exact=spam"),
        ("admin: dashboard", "/admin/"),
    ]
    for _label, path in pages:
        bench.expect(path, 200, session)
    for label, path in pages:
        for c in (1, 4):
            bench.measure(label, path, c, headers=session)


def targets(bench: Bench) -> list[dict]:
    """Check each of the issue's targets against this run's figures."""
    checks = []

    def floor(c):
        return bench.row("floor: /healthz (trivial view)", c)["rps"]

    def check(name, measure):
        try:
            passed, figure = measure()
        except (StopIteration, KeyError):
            passed, figure = None, "not measured"
        checks.append({"target": name, "pass": passed, "figure": figure})

    def article_at_200():
        row = bench.row("article, 200 comments", 8)
        ratio = row["rps"] / floor(8)
        return ratio >= 0.5 and row[
            "p99_ms"
        ] < 25, f"{ratio:.0%} of trivial, p99 {row['p99_ms']} ms"

    def growth():
        few, many = bench.row("article, 10 comments", 8), bench.row("article, 2000 comments", 8)
        by_cpu, by_rps = many["cpu_ms"] / few["cpu_ms"], few["rps"] / many["rps"]
        return by_cpu <= 1.5, f"{by_cpu:.2f}x the CPU per request ({by_rps:.2f}x by requests/s)"

    def revalidation(label):
        row = bench.row(f"article revalidated: {label} → 304", 8)
        ratio = row["rps"] / floor(8)
        return ratio >= 0.8 and not row["errors"], f"{ratio:.0%} of trivial"

    def post():
        row = bench.row("comment POST → 302 (Akismet queued)", 1)
        crowd = bench.row("comment POST → 302 (Akismet queued)", 8)
        return (
            row["p99_ms"] < 50 and not row["errors"] and not crowd["errors"],
            f"p99 {row['p99_ms']} ms ({row['errors']} errors); at c=8 {crowd['rps']:.0f} "
            f"req/s, p99 {crowd['p99_ms']} ms ({crowd['errors']} errors)",
        )

    def queue():
        q = bench.extra["queue"]
        passed = (
            q["unchecked"] == 0
            and q["stored"] == q["posted"]
            and (q["max_s"] or 99) <= CHECK_DEADLINE
        )
        return passed, (
            f"max {q['max_s']} s, median {q['p50_s']} s, {q['unchecked']} unchecked, "
            f"{q['stored']}/{q['posted']} stored"
        )

    def admin(label):
        row = bench.row(label, 1)
        return row["p99_ms"] < 300, f"p99 {row['p99_ms']} ms"

    check("article @200 comments c=8: >= 50% of trivial req/s, p99 < 25 ms", article_at_200)
    check("2,000 comments cost <= 1.5x the 10-comment cost (c=8)", growth)
    for label in ("If-None-Match", "If-Modified-Since"):
        check(f"304 by {label} >= 80% of trivial req/s", lambda label=label: revalidation(label))
    check(f"comment POST p99 < 50 ms, Akismet at {AKISMET_DELAY * 1000:.0f} ms (c=1)", post)
    check(f"every comment checked within {CHECK_DEADLINE:.0f} s at {TRICKLE_RATE}/s", queue)
    for label in ("admin: moderation queue", "admin: spam", "admin: dashboard"):
        check(f"{label} p99 < 300 ms (c=1)", lambda label=label: admin(label))
    return checks


def report(bench: Bench, checks: list[dict], info: dict) -> None:
    floors = {r["c"]: r["rps"] for r in bench.rows if r["label"].startswith("floor: /healthz")}
    print()
    floor_cpu = {r["c"]: r["cpu_ms"] for r in bench.rows if r["label"].startswith("floor: /h")}
    print(
        f"{'measurement':<46}{'c':>4}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'/floor':>8}"
        f"{'cpu ms':>8}{'/floor':>8}"
    )
    print("-" * 98)
    for row in bench.rows:
        c = row["c"] if row["c"] in floors else 8
        row["ratio"] = round(row["rps"] / floors[c], 3)
        row["cpu_ratio"] = round(row["cpu_ms"] / floor_cpu[c], 2) if floor_cpu[c] else None
        print(
            f"{row['label']:<46}{row['c']:>4}{row['rps']:>8.0f}{row['p50_ms']:>8.2f}"
            f"{row['p99_ms']:>8.2f}{row['ratio']:>8.2f}{row['cpu_ms']:>8.2f}"
            f"{row['cpu_ratio'] or 0:>8.1f}"
        )
    if any(r["label"].startswith("article, ") for r in bench.rows):
        rows = {n: bench.row(f"article, {n} comments", 8) for n in STAGES}
        bench.extra["growth"] = {
            n: {
                "cpu": round(rows[n]["cpu_ms"] / rows[STAGES[0]]["cpu_ms"], 2),
                "rps": round(rows[STAGES[0]]["rps"] / rows[n]["rps"], 2),
            }
            for n in STAGES
        }
        print(
            "\nGrowth, cost per request at c=8 relative to 10 comments (CPU; by requests/s): "
            + ", ".join(
                f"{n}: {g['cpu']:.2f}x ({g['rps']:.2f}x)" for n, g in bench.extra["growth"].items()
            )
        )
    print(
        "/floor: requests/s (then CPU per request) divided by /healthz's at the same "
        "concurrency (c=8 for the others). cpu ms: server CPU per request (gunicorn, task "
        "workers and their PostgreSQL backends), which holds when other work shares the machine."
    )
    print(
        "Comments are posted with their own address in X-Forwarded-For (TRUSTED_PROXY_HOPS=1, "
        "as behind the production proxy), so every rule, the flood window included, stays on."
    )
    print()
    for item in checks:
        verdict = {True: "PASS", False: "MISS", None: "----"}[item["pass"]]
        print(f"{verdict}  {item['target']}: {item['figure']}")
    RESULTS.write_text(
        json.dumps(
            {**info, "rows": bench.rows, "targets": checks, **bench.extra},
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


def run_compare_workers(bench: Bench, stack: Stack, port: int, seed) -> None:
    """Measure each gunicorn configuration in interleaved rounds; print the medians."""
    from bench.data import grow_seed_thread

    grow_seed_thread(seed, 200)
    path = seed.get_absolute_url()
    stack.stop("gunicorn")
    runs = {"healthz c=8": ("/healthz", 8), "article c=8": (path, 8), "article c=32": (path, 32)}
    samples: dict[str, dict[str, list]] = {}
    # Rounds interleave the configurations, so drift on a shared machine hits them all alike.
    for round_number in range(bench.args.rounds):
        for config in WORKER_CONFIGS:
            name = f"{config['GUNICORN_WORKER_CLASS']} x{config['WEB_CONCURRENCY']}" + (
                f" ({config['GUNICORN_THREADS']} threads)" if config["GUNICORN_THREADS"] > 1 else ""
            )
            print(f"{name}, round {round_number + 1}", flush=True)
            stack.start_gunicorn(port, **config)
            bench.warm("/healthz")
            bench.warm(path)
            for key, (url, c) in runs.items():
                row = bench.measure(f"{name}: {key}", url, c)
                samples.setdefault(name, {}).setdefault(key, []).append(row)
            stack.stop("gunicorn")
    table = []
    print(f"\nMedians of {bench.args.rounds} interleaved rounds of {bench.args.seconds:.0f} s:")
    print("\n| workers | " + " | ".join(runs) + " |")
    print("|---|" + "---|" * len(runs))
    for name, by_run in samples.items():
        medians = {
            key: {
                field: statistics.median(row[field] for row in rows)
                for field in ("rps", "p99_ms", "cpu_ms")
            }
            for key, rows in by_run.items()
        }
        table.append({"config": name, **medians})
        cells = [
            f"{m['rps']:.0f}/s, p99 {m['p99_ms']:.0f} ms, {m['cpu_ms']:.2f} ms CPU"
            for m in medians.values()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    (ROOT / "bench" / "workers.json").write_text(json.dumps(table, indent=2) + "\n")


def gunicorn_settings() -> dict:
    import runpy

    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    return {key: config[key] for key in ("worker_class", "workers", "threads")}


def print_markdown() -> None:
    """Print the last run (bench/results.json) as the README's table."""
    results = json.loads(RESULTS.read_text())
    m = results["machine"]
    g = results["gunicorn"]
    print(
        f"{results['when']}: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB; gunicorn "
        f"{g['worker_class']} x{g['workers']}, {results['task_workers']} task workers, "
        f"{results['seconds_per_run']:.0f} s per wrk run.\n"
    )
    print(
        "| measurement | c | req/s | p50 ms | p99 ms | req/s ÷ floor | CPU ms/req | CPU ÷ floor |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for r in results["rows"]:
        print(
            f"| {r['label']} | {r['c']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['ratio']:.2f} | {r['cpu_ms']:.2f} | {r['cpu_ratio'] or 0:.1f} |"
        )
    print()
    for t in results["targets"]:
        verdict = {True: "PASS", False: "MISS", None: "not measured"}[t["pass"]]
        print(f"- **{verdict}** {t['target']}: {t['figure']}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4, help="length of each wrk run")
    parser.add_argument(
        "--task-workers",
        type=int,
        default=int(os.environ.get("TASK_WORKERS", "8")),
        help="db_worker processes (each runs one task at a time)",
    )
    parser.add_argument("--compare-workers", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare-workers")
    parser.add_argument(
        "--parts",
        default="floor,article,comments,admin,import",
        help="which measurements to run",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the last results as a Markdown table"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print_markdown()
        return
    wrk.require_wrk()

    started = time.monotonic()
    database_url = bench_database_url()
    recreate_database(database_url)
    akismet_port, web_port = free_port(), free_port()
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

    log_dir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    stack = Stack(env, log_dir)
    base = f"http://127.0.0.1:{web_port}"
    bench = Bench(args, stack, base)
    try:
        stack.start(
            "akismet",
            [
                *(sys.executable, "-m", "tests.akismet_double"),
                *("--port", str(akismet_port), "--delay", str(AKISMET_DELAY)),
            ],
        )
        if args.compare_workers:
            stack.start_gunicorn(web_port)
            run_compare_workers(bench, stack, web_port, seed)
            return
        for n in range(args.task_workers):
            stack.start(f"db_worker-{n}", [sys.executable, "manage.py", "db_worker"])
        stack.start_gunicorn(web_port)
        parts = args.parts.split(",")
        g = gunicorn_settings()
        print(
            f"Stack: gunicorn {g['worker_class']} x{g['workers']} ({g['threads']} threads), "
            f"{args.task_workers} db_worker processes, Akismet double at "
            f"{AKISMET_DELAY * 1000:.0f} ms; each wrk run {args.seconds:.0f} s",
            flush=True,
        )
        run_floor(bench)
        if "article" in parts:
            run_article(bench, seed)
        if "comments" in parts:
            run_comments(bench, seed)
        if "admin" in parts:
            run_admin(bench)
        info = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "gunicorn": gunicorn_settings(),
            "task_workers": args.task_workers,
            "seconds_per_run": args.seconds,
            "bench_seconds": round(time.monotonic() - started),
        }
        report(bench, targets(bench), info)
        print(f"Machine: {info['machine']}; whole run {info['bench_seconds']} s; logs in {log_dir}")
    finally:
        stack.stop_all()
    if "import" in args.parts.split(","):
        # The WordPress import (issue 15) runs alone, in its own database, after the stack.
        from bench import wordpress_import

        wordpress_import.run()


if __name__ == "__main__":
    main()
