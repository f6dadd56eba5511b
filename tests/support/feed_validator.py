"""W3C's feed validator (github.com/w3c/feedvalidator), run from outside the repository.

It is not on PyPI. Put it beside the repository, as ../shared is (or where FEEDVALIDATOR
says), with a Python of its own holding its requirements (html5lib, lxml, rdflib):

    git clone https://github.com/w3c/feedvalidator ../feedvalidator
    python3 -m venv ../feedvalidator/.venv
    ../feedvalidator/.venv/bin/pip install html5lib lxml rdflib

Without them the tests that use it skip and say why. It runs on Python 3.11.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

HOME = Path(os.environ.get("FEEDVALIDATOR", Path(__file__).resolve().parents[3] / "feedvalidator"))
SRC = HOME / "src"
PYTHON = HOME / ".venv" / "bin" / "python"

# Runs in the validator's own interpreter: the feed on stdin, its findings as JSON on stdout.
RUNNER = """
import json, sys
from feedvalidator import compatibility, validateString
from feedvalidator.formatter.text_plain import Formatter
from feedvalidator.logging import Error
events = validateString(sys.stdin.buffer.read(), firstOccurrenceOnly=1, base=sys.argv[1])
events = compatibility.AA(events["loggedEvents"])
print(json.dumps([[isinstance(e, Error), line] for e, line in zip(events, Formatter(events))]))
"""


def validate(feed: bytes, url: str) -> tuple[list[str], list[str]]:
    """Return the validator's (errors, warnings) for the feed served at `url`."""
    if not (SRC / "feedvalidator").is_dir() or not PYTHON.exists():
        pytest.skip(f"W3C's feed validator is not at {SRC} with {PYTHON}: see {__name__}")
    result = subprocess.run(
        [str(PYTHON), "-c", RUNNER, url],
        input=feed,
        capture_output=True,
        cwd=SRC,
        env={"PYTHONPATH": str(SRC), "PATH": os.environ.get("PATH", "")},
        timeout=120,
        check=False,
    )
    if b"ModuleNotFoundError" in result.stderr:
        pytest.skip(f"W3C's feed validator lacks a module: {result.stderr.decode()[-300:]}")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    found = json.loads(result.stdout)
    return [line for error, line in found if error], [line for error, line in found if not error]
