"""A real redis-server on 127.0.0.1: the cache production's processes share (compose's redis).

    with redis_server(folder) as redis:
        env = stack_env(..., CACHE_URL=redis.url)

Started on a free port with nothing saved to disk, as compose runs it, and stopped by its PID.
"""

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import redis as redis_client

from .stack import Process, free_port, spawn


def redis_binary() -> str | None:
    """Return Debian's redis-server, or None when it is not installed."""
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin")


@dataclass
class RedisServer:
    process: Process
    port: int

    @property
    def url(self) -> str:
        """The CACHE_URL of the site's cache on this server (django-environ's scheme)."""
        return f"rediscache://127.0.0.1:{self.port}/0"

    def client(self) -> redis_client.Redis:
        return redis_client.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def flush(self) -> None:
        """Empty the cache, as a new deploy's would be."""
        with self.client() as client:
            client.flushdb()


def _answers(server: RedisServer) -> bool:
    try:
        with server.client() as client:
            return bool(client.ping())
    except redis_client.ConnectionError:
        return False


@contextlib.contextmanager
def redis_server(folder: Path, attempts: int = 5):
    """Run redis-server for the `with` block (a port taken meanwhile is tried again)."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is missing (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LIVE_STACK_LOGS": str(folder)}
    for _ in range(attempts):
        port = free_port()
        args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
        args += ["--save", "", "--appendonly", "no"]
        server = RedisServer(spawn("redis", args, env), port)
        deadline = time.monotonic() + 20
        while server.process.alive() and not _answers(server) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _answers(server):
            break
        server.process.stop()
    else:
        raise RuntimeError(f"redis-server did not start:\n{server.process.log()[-2000:]}")
    try:
        yield server
    finally:
        server.process.stop()
