"""The measurements without the proxy: the floor, the article, 304s, comments, the admin."""

import json
import secrets
import statistics
import subprocess
import sys
import time
from urllib.parse import quote_plus

from bench.client import comment_form, cookies_of, log_in, request
from bench.measure import Bench
from devstack.stack import ROOT, start_gunicorn

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


def run_article(bench: Bench, seed, at_200=()) -> None:
    """Measure the article as its thread grows; run each of `at_200` at 200 comments."""
    from bench.data import grow_seed_thread

    path = seed.get_absolute_url()
    for total in STAGES:
        grow_seed_thread(seed, total)
        print(f"Article page, {total} approved comments", flush=True)
        bench.expect(path, 200)
        bench.warm(path)
        for c in CONCURRENCY:
            if total == 200 and c == 8:
                # The target's row: measured side by side with the trivial view.
                bench.measure_beside_floor(f"article, {total} comments", path, c)
            else:
                bench.measure(f"article, {total} comments", path, c)
        if total == 200:
            run_conditional(bench, path)
            for run in at_200:
                run(bench, seed)


def run_conditional(bench: Bench, path: str) -> None:
    print("Conditional GET, 200 comments", flush=True)
    first = bench.expect(path, 200)
    # A browser's revalidation: the page's ETag, with whatever cookie the page gave it.
    by_etag = {"If-None-Match": first.headers["ETag"]}
    if cookies := cookies_of(first):
        by_etag["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    # A crawler's: no cookies, only the date.
    by_date = {"If-Modified-Since": first.headers["Last-Modified"]}
    for label, headers in (("If-None-Match", by_etag), ("If-Modified-Since", by_date)):
        answer = request(bench.base, "GET", path, headers=headers)
        if answer.status != 304:
            print(f"  {label} answered {answer.status}, not 304: not measured", flush=True)
            continue
        bench.measure_beside_floor(f"article revalidated: {label} → 304", path, 8, headers=headers)


def wait_for_checks(after: int, timeout: float = 120) -> None:
    """Wait until every comment stored after id `after` has had its spam check."""
    from comments.models import Comment

    deadline = time.monotonic() + timeout
    while Comment.objects.filter(pk__gt=after, spam_checked_at__isnull=True).exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.25)


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
        "task_workers": bench.args.task_workers,
        "posted": sent["sent"],
        "stored": len(ids),
        "statuses": sent["statuses"],
        "checked": len(waits),
        "unchecked": unchecked,
        "p50_s": round(statistics.median(waits), 3) if waits else None,
        "p99_s": round(sorted(waits)[max(0, int(len(waits) * 0.99) - 1)], 3) if waits else None,
        "max_s": round(max(waits), 3) if waits else None,
        "post_p99_ms": sorted(sent["post_ms"])[max(0, int(len(sent["post_ms"]) * 0.99) - 1)],
    }
    bench.extra["queue"] = queue
    print(
        f"  queue latency at {TRICKLE_RATE}/s for {TRICKLE_SECONDS} s with "
        f"{bench.args.task_workers} task workers: {len(waits)}/{len(ids)} checked, median "
        f"{queue['p50_s']} s, max {queue['max_s']} s "
        f"(stored {len(ids)} of {sent['sent']}, statuses {sent['statuses']})",
        flush=True,
    )

    # Throughput: distinct comments from distinct readers as fast as the server takes them.
    # Each run's CPU is read once the task workers have checked every comment it stored, so
    # the figure includes the spam check.
    wait_for_checks(after=min(ids, default=1) - 1)
    before = Comment.objects.count()
    values = {
        "path": action,
        "cookie": form["cookie"],
        "fields": "&".join(f"{name}={quote_plus(value)}" for name, value in form["fields"].items()),
    }
    for c in (1, 8):
        last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # The target's run (c=8) goes between two runs of the trivial view, as the article's.
        measure = bench.measure_beside_floor if c == 8 else bench.measure
        measure(
            "comment POST → 302, spam check included",
            action,
            c,
            script="post_comment.lua",
            settle=lambda last=last: wait_for_checks(after=last),
            # Each run's readers have addresses of their own, apart from the last run's.
            values={**values, "run": secrets.token_hex(3), "net": str(10 * c)},
        )
    stored = Comment.objects.count() - before
    bench.rows[-1]["stored"] = stored
    # Checks still queued after waiting would keep the workers busy through the admin runs.
    backlog = DBTaskResult.objects.filter(status="READY").delete()[0]
    bench.extra["post_backlog_dropped"] = backlog
    print(f"  stored {stored} comments; {backlog} checks were still queued", flush=True)


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


def run_compare_workers(bench: Bench, seed) -> None:
    """Measure each gunicorn configuration in interleaved rounds; print the medians."""
    from bench.data import grow_seed_thread

    grow_seed_thread(seed, 200)
    path = seed.get_absolute_url()
    bench.stack.stop("gunicorn")
    runs = {"healthz c=8": ("/healthz", 8), "article c=8": (path, 8), "article c=32": (path, 32)}
    samples: dict[str, dict[str, list]] = {}
    # Rounds interleave the configurations, so drift on a shared machine hits them all alike.
    for round_number in range(bench.args.rounds):
        for config in WORKER_CONFIGS:
            name = f"{config['GUNICORN_WORKER_CLASS']} x{config['WEB_CONCURRENCY']}" + (
                f" ({config['GUNICORN_THREADS']} threads)" if config["GUNICORN_THREADS"] > 1 else ""
            )
            print(f"{name}, round {round_number + 1}", flush=True)
            env = {**bench.stack.env, **{key: str(value) for key, value in config.items()}}
            bench.base = bench.stack.add("gunicorn", start_gunicorn(env)).url
            bench.warm("/healthz")
            bench.warm(path)
            for key, (url, c) in runs.items():
                row = bench.measure(f"{name}: {key}", url, c)
                samples.setdefault(name, {}).setdefault(key, []).append(row)
            bench.stack.stop("gunicorn")
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
