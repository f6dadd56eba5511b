"""Drive load with wrk (a separate C process) and read its figures from a Lua `done()` hook."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Figures:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    errors: int

    def as_dict(self) -> dict:
        return asdict(self)


def require_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        raise SystemExit(
            "wrk is not installed: `make bench` installs it when run as root; otherwise run "
            "`sudo apt-get install wrk`."
        )
    return path


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict | None = None,
    script: str = "",
    values: dict | None = None,
) -> Figures:
    """Load `url` for `seconds` with `connections` open connections; return its figures."""
    lua = (HERE / script).read_text() if script else ""
    for key, value in (values or {}).items():
        lua = lua.replace("{{" + key + "}}", value)
    lua += "\n" + (HERE / "report.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(lua)
    argv = [
        require_wrk(),
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        file.name,
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(  # noqa: S603 (our own command line)
            [*argv, url], capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    finally:
        Path(file.name).unlink()
    for line in output.splitlines():
        if line.startswith("BENCH_UNEXPECTED_STATUS "):
            print(f"    (unexpected answer: HTTP {line.split()[1]})", flush=True)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return Figures(
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds_run, 1),
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
        mean_ms=round(raw["mean_us"] / 1000, 2),
        errors=raw["socket_errors"] + raw["status_errors"] + raw["unexpected"],
    )
