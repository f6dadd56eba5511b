"""The README and docs/ name only files and Python names that exist, and the README stays short.

Every `backticked` token of README.md and docs/*.md is read as:
- a repository path when it has a file extension or starts with a top-level entry of the
  repository (`comments/workflow/writer.py`, `deploy/nginx/templates/`, `.env.example`);
- a dotted Python name when it starts with one of the project's packages
  (`comments.intake.submission.submit_comment`), imported with importlib and getattr;
- a class attribute when it starts with a class the project defines (`Comment.parent`).
A dotted name that starts with a bare module of a package (`workflow.record_new`) is refused:
the reader cannot tell which package it is in.
"""

import ast
import importlib
import importlib.util
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGES = (
    "bench",
    "blog",
    "comments",
    "config",
    "core",
    "devstack",
    "subscriptions",
    "tests",
    "wordpress",
)
README_LIMIT = 8192

BACKTICKED = re.compile(r"`([^`\n]+)`")
EXTENSION = re.compile(r"\.(py|md|yml|yaml|toml|html|txt|json|lua|template|png|css|js|example)$")
DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
# Addresses, commands, placeholders and patterns are not repository paths.
NOT_A_PATH = re.compile(r"[\s<>{}$*…=]|^/|^https?:|^[\w-]+:")


def _tokens():
    for doc in DOCS:
        for token in BACKTICKED.findall(doc.read_text(encoding="utf-8")):
            token = token.split("::")[0].split("(")[0]
            yield doc.relative_to(ROOT).as_posix(), token


def _ignored_paths() -> set[str]:
    lines = (ROOT / ".gitignore").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _is_path(token: str) -> bool:
    if NOT_A_PATH.search(token):
        return False
    if EXTENSION.search(token):
        return True
    return "/" in token and (ROOT / token.split("/")[0]).exists()


@cache
def _module_names() -> set[str]:
    """The bare names of the project's modules (`workflow`, `opt_in`), which need a package."""
    names = set()
    for package in PACKAGES:
        names |= {path.stem for path in (ROOT / package).rglob("*.py")}
    return names - {"__init__", "__main__"}


@cache
def _classes() -> dict[str, list[str]]:
    """Each class name the project defines, with the modules that define one of that name."""
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    found.setdefault(node.name, []).append(module)
    return found


def _resolve(dotted: str) -> bool:
    # A module is found without running it: settings modules exit without their environment.
    try:
        if importlib.util.find_spec(dotted) is not None:
            return True
    except ModuleNotFoundError:
        pass  # a name inside a module (blog.models.Post): imported below
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        try:
            for name in parts[cut:]:
                target = getattr(target, name)
        except AttributeError:
            return False
        return True
    return False


def _has_attributes(obj, names) -> bool:
    for name in names:
        try:
            obj = getattr(obj, name)
        except AttributeError:
            return False
    return True


def _class_attribute_exists(token: str) -> bool:
    name, *attributes = token.split(".")
    for module in _classes()[name]:
        cls = getattr(importlib.import_module(module), name, None)
        # A nested class (Comment.Status...) is reached through its owner, not its module.
        if cls is not None and _has_attributes(cls, attributes):
            return True
    return False


def test_every_file_path_the_docs_name_exists():
    # What lies beside the checkout (`../shared/`: real exports the tests read when present)
    # is not the repository's to keep; every path inside it must exist.
    ignored = _ignored_paths()
    missing = [
        f"{doc}: `{token}`"
        for doc, token in _tokens()
        if _is_path(token)
        and not token.startswith("../")
        and not (ROOT / token).exists()
        and token not in ignored
    ]
    assert missing == []


def test_every_dotted_python_name_the_docs_name_exists():
    wrong = []
    for doc, token in _tokens():
        if _is_path(token) or not DOTTED.match(token):
            continue
        first = token.split(".")[0]
        if first in PACKAGES:
            if not _resolve(token):
                wrong.append(f"{doc}: `{token}` cannot be imported")
        elif first in _module_names():
            wrong.append(f"{doc}: `{token}` needs its package (say `comments.{token}`)")
        elif first in _classes() and not _class_attribute_exists(token):
            wrong.append(f"{doc}: `{token}` is not an attribute of the project's {first}")
    assert wrong == []


def test_the_docs_check_catches_a_stale_name():
    assert not _class_attribute_exists("Comment.transition")
    assert _class_attribute_exists("Comment.parent")
    assert not _resolve("comments.workflow.writer.no_such_function")
    assert _resolve("comments.intake.submission.submit_comment")
    assert _is_path("deploy/nginx/templates/")
    assert _is_path("comments/workflow/writer.py")
    assert not _is_path("/2007/05/")


def test_readme_is_under_eight_kilobytes():
    assert (ROOT / "README.md").stat().st_size < README_LIMIT
