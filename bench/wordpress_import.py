"""The WordPress import measured: `python -m bench.wordpress_import` (and `make bench`).

It writes two generated exports (3,000 posts with 30,000 comments, and ten times that),
imports each into a fresh `bench_import` database with `manage.py import_wordpress` in its
own process, and reports the time, rows per second and peak memory (the child's
ru_maxrss) of the first run and the time of a second run of the same file. Then it prints
PASS or MISS for each target of issue 15, and writes bench/import_results.json, which
`python -m bench --markdown` prints after the stack's table. The load average before each
run goes with the figures, so a run on a busy machine says so.

    make bench BENCH_ARGS="--parts import"        # both files, a few minutes
    python -m bench.wordpress_import --scale 0.1  # a quick smoke run (300 posts)
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from bench.database import bench_database_url, machine, recreate_database
from devstack.stack import ROOT

POSTS, COMMENTS_PER_POST = 3000, 10
TARGET_SECONDS = 60
TARGET_MEMORY_RATIO, TARGET_TIME_RATIO, TARGET_SECOND_RUN_SPEEDUP = 1.3, 12, 5
RESULTS = ROOT / "bench" / "import_results.json"

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated blog</title><link>http://bench.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://bench.example.com</wp:base_site_url>
<wp:base_blog_url>http://bench.example.com</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>writer</wp:author_login>
<wp:author_email>writer@example.com</wp:author_email>
<wp:author_display_name>The Writer</wp:author_display_name></wp:author>
"""
PARAGRAPH = (
    "Selling is a function of marketing, and marketing is everything a company does to "
    "place its product in the hands of the customer. <strong>Think marketing first</strong>, "
    'then sales, and read <a href="http://bench.example.com/?p=1">the first post</a>.'
)


def write_export(path: Path, posts: int, comments_per_post: int) -> None:
    """Write a WXR 1.2 file of `posts` posts, each with `comments_per_post` comments."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(20):
            out.write(
                f"<wp:category><wp:term_id>{n + 1}</wp:term_id><wp:category_nicename>"
                f"topic-{n}</wp:category_nicename><wp:category_parent></wp:category_parent>"
                f"<wp:cat_name>Topic {n}</wp:cat_name></wp:category>\n"
            )
        comment_id = 0
        for post in range(1, posts + 1):
            day = f"20{10 + post % 10}-{1 + post % 12:02d}-{1 + post % 28:02d}"
            body = "\n\n".join([PARAGRAPH] * 6)
            out.write(
                f"<item><title>Post number {post}</title>"
                f"<link>http://bench.example.com/{day.replace('-', '/')}/post-{post}/</link>"
                f"<dc:creator>writer</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<wp:post_id>{post}</wp:post_id><wp:post_date>{day} 09:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{day} 17:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>post-{post}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="topic-{post % 20}">'
                f"Topic {post % 20}</category>"
                f'<category domain="post_tag" nicename="tag-{post % 50}">'
                f"Tag {post % 50}</category>\n"
            )
            first = comment_id + 1
            for c in range(comments_per_post):
                comment_id += 1
                parent = comment_id - 1 if c % 3 == 2 else 0
                approved = "spam" if c == 9 else ("0" if c == 8 else "1")
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {comment_id}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id}@example.com"
                    f"</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date>{day} 10:{c:02d}:00</wp:comment_date>"
                    f"<wp:comment_date_gmt>{day} 18:{c:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape('I agree & ' + PARAGRAPH[:120])}"
                    f"</wp:comment_content><wp:comment_approved>{approved}"
                    f"</wp:comment_approved><wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{parent if parent >= first else 0}</wp:comment_parent>"
                    f"</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def import_database_url() -> str:
    parts = urlsplit(bench_database_url())
    return urlunsplit(parts._replace(path="/bench_import"))


def _env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
        }
    )
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    return env


def timed_run(command: list[str], env: dict) -> dict:
    """Run a command; return its wall time, its own CPU time and peak memory, and the load."""
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=devnull)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    return {
        "seconds": time.monotonic() - started,
        # The importer's own CPU: PostgreSQL's share runs in its server process.
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        # Linux reports ru_maxrss in kilobytes.
        "peak_mb": usage.ru_maxrss / 1024,
        "load_before": load_before,
    }


def measure(path: Path, rows: int, database_url: str) -> dict:
    recreate_database(database_url)
    env = _env(database_url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    command = [*manage, "import_wordpress", str(path)]
    first = timed_run(command, env)
    second = timed_run(command, env)
    return {
        "mb": round(path.stat().st_size / 1e6, 1),
        "rows": rows,
        "seconds": round(first["seconds"], 2),
        "rows_per_second": round(rows / first["seconds"]),
        "cpu_seconds": round(first["cpu_seconds"], 2),
        "peak_mb": round(first["peak_mb"], 1),
        "second_run_seconds": round(second["seconds"], 2),
        "second_run_cpu_seconds": round(second["cpu_seconds"], 2),
        "second_run_peak_mb": round(second["peak_mb"], 1),
        "load_before": [round(first["load_before"], 2), round(second["load_before"], 2)],
    }


def targets(small: dict, large: dict, scale: float) -> list[dict]:
    """Check the four targets of issue 15 against one run of both files."""
    memory_ratio = large["peak_mb"] / small["peak_mb"]
    time_ratio = large["seconds"] / small["seconds"]
    slowest_speedup = min(r["seconds"] / r["second_run_seconds"] for r in (small, large))
    checks = [
        (
            f"peak memory of the 10x file <= {TARGET_MEMORY_RATIO}x the small one's",
            memory_ratio <= TARGET_MEMORY_RATIO,
            f"{memory_ratio:.2f}x ({large['peak_mb']:.0f} MB / {small['peak_mb']:.0f} MB)",
        ),
        (
            f"time for 10x the data <= {TARGET_TIME_RATIO}x",
            time_ratio <= TARGET_TIME_RATIO,
            f"{time_ratio:.1f}x ({large['seconds']:.1f} s / {small['seconds']:.1f} s)",
        ),
        (
            f"{int(POSTS * scale):,}-post file in under {TARGET_SECONDS} s",
            small["seconds"] < TARGET_SECONDS,
            f"{small['seconds']:.1f} s",
        ),
        (
            f"second run >= {TARGET_SECOND_RUN_SPEEDUP}x faster than the first",
            slowest_speedup >= TARGET_SECOND_RUN_SPEEDUP,
            f"{slowest_speedup:.1f}x (the lower of the two files)",
        ),
    ]
    return [{"target": t, "pass": ok, "figure": figure} for t, ok, figure in checks]


def busy(results: dict) -> bool:
    """Tell whether other work was running: a load above one before a run started."""
    return any(load > 1.0 for r in results.values() for load in r["load_before"])


def print_table(results: dict) -> None:
    print(
        f"{'file':<8}{'MB':>7}{'rows':>9}{'s':>8}{'rows/s':>8}{'CPU s':>8}{'peak MB':>9}"
        f"{'2nd run s':>11}{'2nd CPU s':>11}"
    )
    for label, r in results.items():
        print(
            f"{label:<8}{r['mb']:>7.1f}{r['rows']:>9}{r['seconds']:>8.1f}"
            f"{r['rows_per_second']:>8.0f}{r['cpu_seconds']:>8.1f}{r['peak_mb']:>9.0f}"
            f"{r['second_run_seconds']:>11.1f}{r['second_run_cpu_seconds']:>11.1f}"
        )


def run(scale: float = 1.0) -> dict:
    """Generate both exports, import each twice, print the table and the targets."""
    database_url = import_database_url()
    results = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-wxr-") as folder:
        for label, factor in (("small", 1), ("large", 10)):
            posts = max(int(POSTS * scale * factor), 1)
            path = Path(folder) / f"{label}.xml"
            write_export(path, posts, COMMENTS_PER_POST)
            print(f"Importing {posts} posts, {posts * COMMENTS_PER_POST} comments", flush=True)
            results[label] = measure(path, posts * (1 + COMMENTS_PER_POST), database_url)
            path.unlink()
    checks = targets(results["small"], results["large"], scale)
    info = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scale": scale,
        "busy": busy(results),
        "bench_seconds": round(time.monotonic() - started),
        "files": results,
        "targets": checks,
    }
    print(f"\nWordPress import ({describe(info)})")
    print_table(results)
    print(
        "s: wall time of `manage.py import_wordpress`, start-up included; CPU s: the importer's "
        "own CPU (PostgreSQL's is not in it); peak MB: its maximum resident memory."
    )
    for item in checks:
        print(f"{'PASS' if item['pass'] else 'MISS'}  {item['target']}: {item['figure']}")
    RESULTS.write_text(json.dumps(info, indent=2) + "\n")
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")
    return info


def describe(info: dict) -> str:
    m = info["machine"]
    loads = ", ".join(
        f"{label} {r['load_before'][0]:.1f}/{r['load_before'][1]:.1f}"
        for label, r in info["files"].items()
    )
    state = "busy: other work was running" if info["busy"] else "quiet"
    scale = "" if info["scale"] == 1 else f", scale {info['scale']}"
    return (
        f"{info['when']}, {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB{scale}; "
        f"machine {state} (load average before each run: {loads})"
    )


def print_markdown() -> None:
    """Print the last import run (bench/import_results.json) as docs/performance.md's table."""
    if not RESULTS.exists():
        return
    info = json.loads(RESULTS.read_text())
    print(f"WordPress import, {describe(info)}.\n")
    print("| file | MB | rows | seconds | rows/s | CPU s | peak MB | second run s |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for label, r in info["files"].items():
        print(
            f"| {label} | {r['mb']:.1f} | {r['rows']:,} | {r['seconds']:.1f} | "
            f"{r['rows_per_second']:,.0f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:.0f} | "
            f"{r['second_run_seconds']:.1f} |"
        )
    print()
    for t in info["targets"]:
        print(f"- **{'PASS' if t['pass'] else 'MISS'}** {t['target']}: {t['figure']}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wordpress_import")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 3,000 posts")
    args = parser.parse_args(argv)
    run(args.scale)


if __name__ == "__main__":
    main()
