"""The comment soak: many concurrent readers post distinct comments and deliberate duplicates
to a real gunicorn server, then we prove nothing was lost, nothing doubled, and every comment
got its spam verdict once the worker drained the queue.

    make soak                                   # 50 clients, 2,000 comments (+ duplicates)
    python -m bench.soak --clients 10 --comments 200
    python -m bench.soak --hostile              # and a tenth as many hostile neighbours

It runs on a throwaway PostgreSQL of its own (never the shared one), with the Akismet double.
Each distinct comment comes from its own reader: its own email address, and its own IP
address, given the way the production proxy gives it (X-Forwarded-For, with
TRUSTED_PROXY_HOPS=1). So every rule stays on, the flood window included, and a deliberate
duplicate is the same reader sending the same comment again.

With --hostile, a tenth as many clients again send hostile posts beside the honest readers
for as long as they post: oversized bodies, malformed forms, cross-site posts
(`Sec-Fetch-Site: cross-site`) and floods of one comment. None may get a 5xx, no cross-site
post may be accepted, and the honest readers' figures must not change: 0 errors, 0 lost,
0 doubled.
"""

import argparse
import itertools
import re
import statistics
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from devstack.akismet_double import AkismetDouble
from devstack.stack import comment_form, manage, stack_env, start_db_worker, start_gunicorn

ARTICLE = "/2007/05/selling-vs-marketing/"
HONEST_PREFIX = "Soak comment "
HOSTILE_KINDS = ("oversized", "malformed", "cross-site", "duplicate flood")
FLOOD_COPIES = 5


@dataclass
class Figures:
    requests: int = 0
    accepted: int = 0
    refused: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # text -> comment id
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    drain_seconds: float = 0.0
    # Hostile neighbours: answers per kind ("cross-site 403": 12), and their 5xx or failures.
    hostile: dict[str, int] = field(default_factory=dict)
    hostile_errors: list[str] = field(default_factory=list)

    @property
    def p99_ms(self) -> float:
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=100)[98] * 1000

    def summary(self) -> str:
        return (
            f"requests={self.requests} accepted={self.accepted} refused={self.refused} "
            f"errors={self.errors} p99={self.p99_ms:.0f}ms "
            f"rate={self.requests / max(self.seconds, 1e-9):.0f}/s "
            f"drain={self.drain_seconds:.1f}s"
            + (f"\nhostile posts: {dict(sorted(self.hostile.items()))}" if self.hostile else "")
        )


def reader_address(n: int) -> str:
    """Return reader n's IP address, in the range set aside for benchmarks (198.18.0.0/15)."""
    return f"198.{18 + n // 65536}.{n // 256 % 256}.{n % 256}"


def hostile_address(n: int) -> str:
    """Return hostile neighbour n's IP address (TEST-NET-3, apart from every reader's)."""
    return f"203.0.113.{n % 250 + 1}"


def hostile_posts(kind: str, n: int, hidden: dict, origin: str):
    """Yield (data, headers) of the hostile posts of one kind, the nth time it comes round."""
    honest = {
        **hidden,
        "author": f"Hostile neighbour {n}",
        "email": f"hostile{n}@example.com",
        "url": "",
        "comment": f"Hostile {kind} {n}: buy now.",
    }
    if kind == "oversized":
        # Over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and a field over its maximum length.
        yield {**honest, "comment": "x" * 3_000_000}, {}
        yield {**honest, "comment": "y" * 70_000}, {}
    elif kind == "malformed":
        yield {**honest, "email": "not an email", "author": "nul\x00byte"}, {}
        yield {key: value for key, value in honest.items() if key != "comment"}, {}
        yield {**honest, "form_ts": "garbage", "comment_parent": "abc"}, {}
        yield b"\xff\xfe%%%&&=\x00", {"Content-Type": "application/x-www-form-urlencoded"}
        yield b'{"comment": "json"}', {"Content-Type": "application/json"}
    elif kind == "cross-site":
        yield honest, {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    else:
        for _ in range(FLOOD_COPIES):
            yield honest, {}


def post_load(
    base_url: str,
    *,
    clients: int,
    comments: int,
    duplicate_every: int = 10,
    hostile_clients: int = 0,
) -> Figures:
    """Post `comments` distinct comments from `clients` threads; resend every Nth one.

    `hostile_clients` more threads send hostile posts until the honest readers are done.
    """
    figures = Figures()
    lock = threading.Lock()
    with httpx.Client(timeout=30) as client:
        action, hidden = comment_form(client.get(base_url + ARTICLE).text)
        cookies = client.cookies  # the CSRF cookie that goes with the form's token

    def one(client, data, address, expected) -> None:
        started = time.perf_counter()
        try:
            answer = client.post(base_url + action, data=data, headers={"X-Forwarded-For": address})
            status = answer.status_code
        except httpx.HTTPError as error:
            status, answer = 0, error
        elapsed = time.perf_counter() - started
        with lock:
            figures.requests += 1
            figures.latencies.append(elapsed)
            if status == expected == 302:
                figures.accepted += 1
                match = re.search(r"#comment-(\d+)$", answer.headers.get("location", ""))
                figures.acknowledged[data["comment"]] = int(match[1]) if match else 0
            elif status == expected == 409:
                figures.refused += 1
            else:
                figures.errors += 1
                if len(figures.error_samples) < 5:
                    detail = answer if status == 0 else answer.text[:200]
                    figures.error_samples.append(f"{status}: {detail}")

    def reader(numbers) -> None:
        with httpx.Client(timeout=60, cookies=cookies) as client:
            for n in numbers:
                data = {
                    **hidden,
                    "author": f"Soak reader {n}",
                    "email": f"soak{n}@example.com",
                    "url": "",
                    "comment": f"{HONEST_PREFIX}{n}: marketing asks what the customer needs.",
                }
                address = reader_address(n)
                one(client, data, address, 302)
                if duplicate_every and n % duplicate_every == 0:
                    one(client, data, address, 409)

    honest_done = threading.Event()

    def neighbour(number: int) -> None:
        with httpx.Client(timeout=60, cookies=cookies) as client:
            for n in itertools.count(number * 1_000_000):
                if honest_done.is_set():
                    return
                kind = HOSTILE_KINDS[n % len(HOSTILE_KINDS)]
                for body, headers in hostile_posts(kind, n, hidden, base_url):
                    sending = {"X-Forwarded-For": hostile_address(number), **headers}
                    try:
                        if isinstance(body, bytes):
                            answer = client.post(base_url + action, content=body, headers=sending)
                        else:
                            answer = client.post(base_url + action, data=body, headers=sending)
                        status = answer.status_code
                    except httpx.HTTPError as error:
                        status, answer = 0, error
                    with lock:
                        key = f"{kind} {status}"
                        figures.hostile[key] = figures.hostile.get(key, 0) + 1
                        if (status == 0 or status >= 500) and len(figures.hostile_errors) < 5:
                            figures.hostile_errors.append(f"{key}: {str(answer)[:200]}")
                # A neighbour, not a denial of service: the readers must still get through.
                time.sleep(0.05)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=reader, args=(range(i, comments, clients),)) for i in range(clients)
    ]
    hostile = [threading.Thread(target=neighbour, args=(i,)) for i in range(hostile_clients)]
    for thread in threads + hostile:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - started
    honest_done.set()
    for thread in hostile:
        thread.join()
    return figures


def stored_comments(conninfo: str) -> dict[str, list[int]]:
    with psycopg.connect(conninfo) as db:
        rows = db.execute("SELECT content, id FROM comments_comment").fetchall()
    stored: dict[str, list[int]] = {}
    for content, pk in rows:
        stored.setdefault(content, []).append(pk)
    return stored


def unchecked_count(conninfo: str) -> int:
    with psycopg.connect(conninfo) as db:
        return db.execute(
            "SELECT count(*) FROM comments_comment WHERE spam_verdict NOT IN ('ham', 'spam')"
        ).fetchone()[0]


def wait_for_drain(conninfo: str, timeout: float) -> float:
    started = time.perf_counter()
    while unchecked_count(conninfo):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{unchecked_count(conninfo)} comments still unchecked")
        time.sleep(0.25)
    return time.perf_counter() - started


def problems(figures: Figures, conninfo: str, *, expected_duplicates: int) -> list[str]:
    """Return every broken promise: lost, doubled, or unrefused comments, and errors."""
    found = []
    # Hostile neighbours' posts may be stored too (a flood's first copy): count the readers'.
    stored = {
        text: ids
        for text, ids in stored_comments(conninfo).items()
        if text.startswith(HONEST_PREFIX)
    }
    if figures.errors:
        found.append(f"{figures.errors} errors, e.g. {figures.error_samples}")
    answers = [
        (key.rsplit(" ", 1)[0], int(key.rsplit(" ", 1)[1]), n) for key, n in figures.hostile.items()
    ]
    if failed := sum(n for _kind, status, n in answers if status == 0 or status >= 500):
        found.append(f"{failed} hostile posts got a 5xx or no answer: {figures.hostile_errors}")
    if taken := sum(n for kind, status, n in answers if kind == "cross-site" and status < 400):
        found.append(f"{taken} cross-site posts were accepted")
    lost = [text for text in figures.acknowledged if text not in stored]
    if lost:
        found.append(f"{len(lost)} acknowledged comments are missing")
    doubled = [text for text, ids in stored.items() if len(ids) > 1]
    if doubled:
        found.append(f"{len(doubled)} comments are stored more than once")
    wrong_ids = [t for t, pk in figures.acknowledged.items() if t in stored and stored[t] != [pk]]
    if wrong_ids:
        found.append(f"{len(wrong_ids)} redirects named the wrong comment")
    if figures.refused != expected_duplicates:
        found.append(f"{figures.refused} of {expected_duplicates} duplicates refused with 409")
    if len(stored) != figures.accepted:
        found.append(f"{len(stored)} comments stored but {figures.accepted} acknowledged")
    return found


def throwaway_database(tmp: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    server = pgserver.get_server(tmp / "pg", cleanup_mode="delete")
    server.psql("CREATE DATABASE soak;")
    socket_dir = server.get_postmaster_info().socket_dir
    return server, f"postgres://postgres@/soak?host={socket_dir}"


def run(
    *,
    clients: int,
    comments: int,
    duplicate_every: int,
    web_workers: int,
    workers: int,
    hostile_clients: int = 0,
):
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    server, db_url = throwaway_database(tmp)
    conninfo = db_url.replace("postgres://", "postgresql://", 1)
    processes = []
    try:
        with AkismetDouble(delay=0.01) as double:
            env = stack_env(
                db_url,
                AKISMET_API_KEY="soak-key",
                AKISMET_API_URL=double.url,
                TRUSTED_PROXY_HOPS=1,
                CACHE_URL=f"filecache://{tmp / 'cache'}",
                WEB_CONCURRENCY=web_workers,
                LIVE_STACK_LOGS=tmp / "logs",
            )
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_seed")
            web = start_gunicorn(env)
            processes.append(web)
            processes += [start_db_worker(env) for _ in range(workers)]
            figures = post_load(
                web.url,
                clients=clients,
                comments=comments,
                duplicate_every=duplicate_every,
                hostile_clients=hostile_clients,
            )
            figures.drain_seconds = wait_for_drain(conninfo, timeout=600)
            expected = len(range(0, comments, duplicate_every)) if duplicate_every else 0
            return figures, problems(figures, conninfo, expected_duplicates=expected)
    finally:
        for process in processes:
            process.stop()
        server.cleanup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--duplicate-every", type=int, default=10)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="make a tenth of the clients (at least one) hostile neighbours",
    )
    args = parser.parse_args(argv)
    hostile = max(1, args.clients // 10) if args.hostile else 0
    honest = args.clients - hostile
    print(
        f"Soak: {honest} clients post {args.comments} comments "
        f"(every {args.duplicate_every}th sent twice), each reader with its own address, "
        + (f"beside {hostile} hostile neighbours ({', '.join(HOSTILE_KINDS)}), " if hostile else "")
        + f"to gunicorn ({args.web_workers} workers), "
        f"{args.workers} task workers, Akismet double.",
        flush=True,
    )
    figures, found = run(
        clients=honest,
        hostile_clients=hostile,
        comments=args.comments,
        duplicate_every=args.duplicate_every,
        web_workers=args.web_workers,
        workers=args.workers,
    )
    print(figures.summary())
    for problem in found:
        print(f"FAILED: {problem}")
    print(
        "OK: nothing lost, nothing doubled, every duplicate refused, every comment checked"
        + (", no hostile post got a 5xx or through as cross-site." if hostile else ".")
        if not found
        else ""
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
