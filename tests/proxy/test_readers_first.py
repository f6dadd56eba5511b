"""Readers first: when bots keep every core busy, the proxy's readers run ahead of the app.

The spam wave of `make bench` showed readers through nginx losing half their throughput to a
minute of comment POSTs straight to gunicorn. The app's workers run at a lower priority than
nginx (and PostgreSQL), and the task workers lower still, so on a saturated machine the cached
article is served first and the bots wait; an idle machine is unaffected.
"""

import os
from pathlib import Path

import pytest
import yaml

from devstack.stack import children, db_worker, gunicorn
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def niceness(pid: int) -> int:
    # /proc/PID/stat: the 19th field, counted after the command's closing parenthesis.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


@pytest.fixture
def production_env(web):
    """The module's server environment with production's priorities, which tests lift."""
    return {k: v for k, v in web.env.items() if k not in ("WEB_NICENESS", "TASK_WORKER_NICENESS")}


def test_the_app_workers_run_below_the_proxy(production_env, proxy):
    with gunicorn(production_env, workers=2) as app:
        workers = children(app.pid)
        assert workers, "gunicorn has no workers"
        nginx_workers = children(proxy.pid)
        assert nginx_workers, "nginx has no workers"

        for worker in workers:
            assert niceness(worker) == niceness(app.pid) + 10
        for nginx_worker in nginx_workers:
            assert niceness(nginx_worker) < niceness(workers[0])


def test_task_workers_run_below_the_app(production_env):
    with db_worker(production_env) as worker:
        # It lowers its own priority as it starts, before it takes any work.
        wait_for(
            lambda: niceness(worker.pid) == min(niceness(os.getpid()) + 15, 19),
            timeout=60,
            what="the task worker at niceness +15",
        )


def test_compose_gives_the_proxy_a_larger_cpu_share_than_the_app_and_the_app_than_workers():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    share = {name: services[name].get("cpu_shares", 1024) for name in ("proxy", "web", "worker")}

    assert share["proxy"] > share["web"] > share["worker"], share
