"""The W3C Nu HTML checker (npm `vnu-jar`, on Debian's Java), run once over many pages."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

AUDITORS = Path(__file__).resolve().parent
VNU_JAR = AUDITORS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_nu_checker() -> str:
    """Return the java command, or skip (fail in CI) when the checker is not installed."""
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return java
    reason = (
        "the Nu HTML checker needs Debian's Java and tests/auditors' npm packages (make auditors)"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def check_pages(pages: dict[str, bytes], folder: Path) -> dict[str, list[dict]]:
    """Return the checker's messages for each named page, all checked by one JVM."""
    java = require_nu_checker()
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_bytes(html)
        files[path.resolve().as_uri()] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            *[str(folder / f"page-{number}.html") for number in range(len(pages))],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = {name: [] for name in pages}
    for message in json.loads(result.stdout)["messages"]:
        url = message.get("url", "")
        name = files.get(url) or files.get(url.replace("file:/", "file:///", 1), url)
        found.setdefault(name, []).append(message)
    return found


def errors(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["type"] in ("error", "non-document-error")]


def describe(found: dict[str, list[dict]]) -> str:
    """Return the messages as lines a person reads: page, line, kind, message, extract."""
    lines = []
    for name, messages in found.items():
        for m in messages:
            kind = m.get("subType", m["type"])
            extract = " ".join(m.get("extract", "").split())[:120]
            lines.append(f"{name}:{m.get('lastLine', '?')}: {kind}: {m['message']} | {extract}")
    return "\n".join(lines)
