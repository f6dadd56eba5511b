"""One wrk run and its figures: requests/s, latency, and the server's CPU per request."""

import time

from bench import wrk
from bench.client import request
from bench.database import database_backend_pids
from devstack.stack import Stack, children, cpu_seconds


def wait_until_idle(pids: list[int], timeout: float = 120) -> None:
    """Wait until the processes stop using CPU: started workers have finished starting up.

    Eight task workers import Django and connect at once, which takes seconds of CPU on two
    cores; measured alongside the floor, it would slow the trivial view and be counted in
    its CPU.
    """
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(1)
        after = cpu_seconds(pids)
        if sum(after.values()) - sum(before.values()) < 0.05 * max(len(pids), 1):
            return
        before = after


HEALTHZ = "floor: /healthz (trivial view)"


class Bench:
    """The runs' shared state: the stack, where to send requests, and the table's rows."""

    def __init__(self, args, stack: Stack, base: str):
        self.args = args
        self.stack = stack
        self.base = base
        self.proxy = None  # devstack.nginx.Nginx, when the proxy runs
        self.proxy_static_root = None
        self.rows: list[dict] = []
        self.extra: dict = {}

    def server_pids(self) -> dict[str, list[int]]:
        """Return every server-side process by part: gunicorn, task workers, nginx, PostgreSQL."""
        parts = {
            "gunicorn": self.stack.pids("gunicorn"),
            "tasks": self.stack.pids("db_worker"),
            "postgres": database_backend_pids(),
        }
        if self.proxy is not None:
            parts["nginx"] = [self.proxy.process.pid, *children(self.proxy.process.pid)]
        return parts

    def measure(
        self,
        label: str,
        path: str,
        connections: int,
        floor: str = "",
        *,
        base="",
        settle=None,
        keep=True,
        **options,
    ):
        """Run wrk against `path` and keep the figures as a row of the table.

        `settle`, when given, runs after the load and before the CPU is read: work the
        requests left behind (spam checks in the task workers) is counted with them.
        """
        self.stack.check_alive()
        before = {part: cpu_seconds(pids) for part, pids in self.server_pids().items()}
        figures = wrk.run(
            (base or self.base) + path,
            connections=connections,
            seconds=self.args.seconds,
            **options,
        )
        if settle is not None:
            settle()
        # CPU per request of the server side (gunicorn, task workers, nginx, their PostgreSQL
        # backends): unlike requests/s, it holds when other work shares the machine. A process
        # that ended during the run takes its share with it, so this errs on the low side.
        # The PostgreSQL backends are read again: a connection opened during the run counts.
        requests = max(figures.requests, 1)
        by_part = {
            part: 1000
            / requests
            * sum(
                seconds - before.get(part, {}).get(pid, 0)
                for pid, seconds in cpu_seconds(pids).items()
            )
            for part, pids in self.server_pids().items()
        }
        cpu_ms = sum(by_part.values())
        row = {
            "label": label,
            "c": connections,
            **figures.as_dict(),
            "cpu_ms": round(cpu_ms, 3),
            "cpu_ms_by_part": {part: round(ms, 3) for part, ms in by_part.items()},
        }
        row["floor"] = floor or f"/healthz c={connections}"
        if keep:
            self.rows.append(row)
        shown = label if keep else f"{label} (beside)"
        print(
            f"  {shown:<44} c={connections:<3} {figures.rps:>8.0f} req/s  "
            f"p50 {figures.p50_ms:>7.2f} ms  p99 {figures.p99_ms:>7.2f} ms  cpu {cpu_ms:.2f} ms/req"
            + " ("
            + ", ".join(f"{part} {ms:.2f}" for part, ms in by_part.items())
            + ")"
            + (f"  errors {figures.errors}" if figures.errors else ""),
            flush=True,
        )
        return row

    def measure_beside_floor(self, label: str, path: str, connections: int, **options) -> dict:
        """Measure `path` between two runs of the trivial view, and keep their mean with it.

        A ratio to a floor measured minutes earlier moves with whatever the machine does in
        between (runs of the same view were seen to differ by a third); the trivial view
        measured just before and just after makes the ratio side by side.
        """
        before = self.measure(HEALTHZ, "/healthz", connections, keep=False)
        row = self.measure(label, path, connections, **options)
        after = self.measure(HEALTHZ, "/healthz", connections, keep=False)
        row["beside_floor"] = {
            field: round((before[field] + after[field]) / 2, 3) for field in ("rps", "cpu_ms")
        }
        return row

    def warm(self, path: str, headers: dict | None = None, base: str = "") -> None:
        """Let every gunicorn worker render the page once, so caches are warm."""
        wrk.run((base or self.base) + path, connections=8, seconds=1, headers=headers)

    def row(self, label: str, c: int) -> dict:
        return next(r for r in self.rows if r["label"] == label and r["c"] == c)

    def expect(self, path: str, status: int, headers: dict | None = None, base: str = ""):
        answer = request(base or self.base, "GET", path, headers=headers)
        if answer.status != status:
            raise SystemExit(f"GET {path} answered {answer.status}, expected {status}")
        return answer
