"""Gunicorn settings for `make run`, the benchmark and production; each is overridable by env."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Chosen by measurement (`python -m bench --compare-workers`, README "Performance"): threads
# keep connections alive and overlap database waits, so a few threaded workers per core serve
# the article page at about twice the rate of sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Load the app before forking so workers share its memory and start fast.
preload_app = True
