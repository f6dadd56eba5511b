"""Readers first: when bots keep every core busy, the proxy's readers run ahead of the app.

The spam wave of `make bench` showed readers through nginx losing half their throughput to a
minute of comment POSTs straight to gunicorn. The app's workers run at a lower priority than
nginx (and PostgreSQL), so on a saturated machine the cached article is served first and the
bots wait; an idle machine is unaffected.
"""

from pathlib import Path

import yaml

from devstack.stack import children

ROOT = Path(__file__).resolve().parents[2]


def niceness(pid: int) -> int:
    # /proc/PID/stat: the 19th field, counted after the command's closing parenthesis.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


def test_the_app_workers_run_below_the_proxy(web, proxy):
    workers = children(web.pid)
    assert workers, "gunicorn has no workers"
    nginx_workers = children(proxy.pid)
    assert nginx_workers, "nginx has no workers"

    for worker in workers:
        assert niceness(worker) == niceness(web.pid) + 5
    for nginx_worker in nginx_workers:
        assert niceness(nginx_worker) < niceness(workers[0])


def test_compose_gives_the_proxy_a_larger_cpu_share_than_the_app():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert services["proxy"]["cpu_shares"] > services["web"].get("cpu_shares", 1024)
