"""Gunicorn settings for `make run`, the benchmark and production; each is overridable by env."""

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    # An empty variable (a blank line copied from .env.example) means the default.
    return os.environ.get(name) or default


bind = _env("GUNICORN_BIND", f"127.0.0.1:{_env('PORT', '8000')}")
# Chosen by measurement (`python -m bench --compare-workers`, docs/performance.md): on the
# 2-core machine one sync worker per core served the article page at the best p99 and the
# least CPU per request; more workers, or threads, only added switching.
workers = int(_env("WEB_CONCURRENCY", str(multiprocessing.cpu_count())))
worker_class = _env("GUNICORN_WORKER_CLASS", "sync")
threads = int(_env("GUNICORN_THREADS", "1"))
timeout = int(_env("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Load the app before forking so workers share its memory and start fast.
preload_app = True

# Readers first: when a wave of comment POSTs keeps both cores busy, the proxy answering from
# its cache (and the database) run ahead of the app's workers, and they ahead of the task
# workers (TASK_WORKER_NICENESS), so readers keep their pages while the bots wait (`make
# bench`'s spam wave). An idle machine is unaffected. 0: no change.
niceness = int(_env("WEB_NICENESS", "10"))


def post_fork(server, worker):
    if niceness:
        os.nice(niceness)
