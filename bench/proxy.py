"""The measurements through nginx: the article against the same bytes as a static file, and
how long an approval takes to reach readers without cookies."""

import secrets
import statistics
import time
import urllib.request
from pathlib import Path

from bench.measure import Bench
from devstack.nginx import start_nginx

FRESHNESS_PROBES = 5
STATIC_COPY = "article-copy.html"


def start_proxy(bench: Bench, static_root: Path) -> None:
    """Start nginx with the repository's config in front of the bench's gunicorn."""
    bench.proxy = start_nginx(upstream=bench.base, static_root=static_root, workers="auto")
    bench.proxy_static_root = static_root
    print(f"nginx (deploy/nginx, {bench.proxy.folder}) at {bench.proxy.url}", flush=True)


def run_proxy(bench: Bench, seed) -> None:
    """Compare the article through nginx with nginx serving its bytes as a static file."""
    proxy = bench.proxy.url
    path = seed.get_absolute_url()
    print("Through nginx: the article (200 comments) and the same bytes as a static file")
    page = bench.expect(path, 200)
    (bench.proxy_static_root / STATIC_COPY).write_bytes(page.body.encode())
    bench.expect(f"/static/{STATIC_COPY}", 200, base=proxy)
    bench.expect(path, 200, base=proxy)
    cached = bench.expect(path, 200, base=proxy)
    bench.extra["proxy_cache_status"] = cached.headers.get("X-Cache-Status")
    print(f"  a second cookieless GET: X-Cache-Status {cached.headers.get('X-Cache-Status')}")
    bench.warm(path, base=proxy)
    bench.measure(
        "nginx: static file, the article's bytes",
        f"/static/{STATIC_COPY}",
        8,
        floor="nginx static c=8",
        base=proxy,
    )
    bench.measure(
        "nginx: article, 200 comments (micro-cache)", path, 8, floor="nginx static c=8", base=proxy
    )
    run_freshness(bench, seed)


def run_freshness(bench: Bench, seed) -> None:
    """Approve a reply on the first page; time until a cookieless reader sees it via nginx."""
    from comments.models import Comment, Status
    from comments.workflow import moves
    from comments.workflow import writer as workflow

    url = bench.proxy.url + seed.get_absolute_url()
    parent = (
        Comment.objects.filter(post=seed, status=Status.APPROVED, parent=None)
        .order_by("submitted_at", "pk")
        .first()
    )
    delays = []
    for n in range(FRESHNESS_PROBES):
        marker = f"Freshness probe {secrets.token_hex(4)}"
        comment = Comment.objects.create(
            post=seed,
            parent=parent,
            author_name="Bench reader",
            author_email="bench-fresh@example.com",
            content=marker,
            status=Status.PENDING,
            spam_verdict="ham",
        )
        # Readers keep the page warm in nginx, and the approval lands anywhere in a second.
        _read(url)
        time.sleep(0.37 * n % 1)
        approved = time.monotonic()
        workflow.apply_move([comment.pk], moves.APPROVE)
        while marker not in _read(url):
            if time.monotonic() - approved > 10:
                break
            time.sleep(0.01)
        delays.append(round(time.monotonic() - approved, 3))
    bench.extra["freshness"] = {
        "probes": delays,
        "max_s": max(delays),
        "median_s": statistics.median(delays),
    }
    print(f"  approval visible to cookieless readers through nginx after {delays} s", flush=True)


def _read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local URL)
        return response.read().decode(errors="replace")
