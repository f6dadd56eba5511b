"""The WordPress import measured: `python -m bench.wordpress_import` (and `make bench`).

It writes two generated exports (3,000 posts with 30,000 comments, and ten times that),
imports each into a fresh `bench_import` database with `manage.py import_wordpress` in its
own process, and reports the time, rows per second and peak memory (the child's
ru_maxrss) of the first run and the time of a second run of the same file. Then it prints
PASS or MISS for each target of issue 15.

    python -m bench.wordpress_import              # both files
    python -m bench.wordpress_import --scale 0.1  # a quick smoke run (300 posts)
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from bench.stack import ROOT, bench_database_url, recreate_database

POSTS, COMMENTS_PER_POST = 3000, 10
TARGET_SECONDS = 60
TARGET_MEMORY_RATIO, TARGET_TIME_RATIO, TARGET_SECOND_RUN_SPEEDUP = 1.3, 12, 5

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


def timed_run(command: list[str], env: dict) -> tuple[float, float]:
    """Run a command; return its wall time (s) and its own peak memory (MB)."""
    started = time.monotonic()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=devnull)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    # Linux reports ru_maxrss in kilobytes.
    return time.monotonic() - started, usage.ru_maxrss / 1024


def measure(path: Path, rows: int, database_url: str) -> dict:
    recreate_database(database_url)
    env = _env(database_url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    command = [*manage, "import_wordpress", str(path)]
    first, memory = timed_run(command, env)
    second, _ = timed_run(command, env)
    return {
        "mb": path.stat().st_size / 1e6,
        "rows": rows,
        "seconds": first,
        "rows_per_second": rows / first,
        "peak_mb": memory,
        "second_run_seconds": second,
    }


def targets(small: dict, large: dict, scale: float) -> list[tuple[str, bool, str]]:
    memory_ratio = large["peak_mb"] / small["peak_mb"]
    time_ratio = large["seconds"] / small["seconds"]
    slowest_speedup = min(r["seconds"] / r["second_run_seconds"] for r in (small, large))
    return [
        (
            f"peak memory of the 10x file <= {TARGET_MEMORY_RATIO}x the small one's",
            memory_ratio <= TARGET_MEMORY_RATIO,
            f"{memory_ratio:.2f}x",
        ),
        (
            f"time for 10x the data <= {TARGET_TIME_RATIO}x",
            time_ratio <= TARGET_TIME_RATIO,
            f"{time_ratio:.1f}x",
        ),
        (
            f"{int(POSTS * scale)}-post file in under {TARGET_SECONDS} s",
            small["seconds"] < TARGET_SECONDS,
            f"{small['seconds']:.1f} s",
        ),
        (
            f"second run >= {TARGET_SECOND_RUN_SPEEDUP}x faster than the first",
            slowest_speedup >= TARGET_SECOND_RUN_SPEEDUP,
            f"{slowest_speedup:.1f}x",
        ),
    ]


def run(scale: float = 1.0) -> dict:
    """Generate both exports, import each twice, print the table and the targets."""
    database_url = import_database_url()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-wxr-") as folder:
        for label, factor in (("small", 1), ("large", 10)):
            posts = max(int(POSTS * scale * factor), 1)
            path = Path(folder) / f"{label}.xml"
            write_export(path, posts, COMMENTS_PER_POST)
            print(f"Importing {posts} posts, {posts * COMMENTS_PER_POST} comments", flush=True)
            results[label] = measure(path, posts * (1 + COMMENTS_PER_POST), database_url)
            path.unlink()
    print("\nWordPress import (the machine is shared: figures are noisy)")
    print(f"{'file':<8}{'MB':>8}{'rows':>10}{'s':>9}{'rows/s':>10}{'peak MB':>9}{'2nd run s':>11}")
    for label, r in results.items():
        print(
            f"{label:<8}{r['mb']:>8.1f}{r['rows']:>10}{r['seconds']:>9.1f}"
            f"{r['rows_per_second']:>10.0f}{r['peak_mb']:>9.0f}{r['second_run_seconds']:>11.1f}"
        )
    checks = targets(results["small"], results["large"], scale)
    for text, ok, value in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {text}: {value}")
    results["targets"] = [{"target": t, "pass": ok, "value": v} for t, ok, v in checks]
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wordpress_import")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 3,000 posts")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    run(args.scale)


if __name__ == "__main__":
    main()
