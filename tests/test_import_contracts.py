"""The apps depend one way (blog <- comments <- subscriptions, core under all): import-linter.

The contracts are in pyproject.toml ([tool.importlinter]); this runs them in `make test`.
"""

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def test_the_apps_import_each_other_only_the_allowed_way():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_comments_app_reads_as_a_few_stages_stacked_one_way():
    # Each child of comments/ is one node, a package's modules folded into it (migrations
    # import no code). Issue 30's bound: at most 20 nodes, 8 levels and 60 arrows, no cycle.
    graph = grimp.build_graph("comments", cache_dir=None)

    def node(module):
        parts = module.split(".")
        return None if len(parts) < 2 or parts[1] == "migrations" else ".".join(parts[:2])

    nodes = {node(m) for m in graph.modules} - {None}
    arrows = {
        (node(importer), node(imported))
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    }
    arrows = {(a, b) for a, b in arrows if a and b and a != b}
    under = {n: {b for a, b in arrows if a == n} for n in nodes}

    def level(n, path=()):
        assert n not in path, f"a cycle: {' -> '.join((*path, n))}"
        return 1 + max((level(b, (*path, n)) for b in under[n]), default=0)

    assert len(nodes) <= 20, sorted(nodes)
    assert len(arrows) <= 60, sorted(arrows)
    assert max(level(n) for n in nodes) <= 8


WRITER = "comments.workflow.writer"
# What the one writer does step by step; everyone else asks for an intent.
LOW_LEVEL = {"write", "rows_for", "text", "id_batches"}


def _private_uses_of_the_writer(tree: ast.Module) -> list[str]:
    """Return the writer's private names this module imports or reaches through the module."""
    found, aliases = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == WRITER:
            found += [alias.name for alias in node.names if alias.name.startswith("_")]
        elif isinstance(node, ast.ImportFrom) and node.module == "comments.workflow":
            aliases |= {a.asname or a.name for a in node.names if a.name == "writer"}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.name == WRITER and a.asname}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
        ):
            found.append(node.attr)
        elif isinstance(node, ast.Constant) and str(node.value).startswith(f"{WRITER}._"):
            found.append(node.value)  # monkeypatch.setattr("comments.workflow.writer._…")
    return found


def test_the_workflow_speaks_in_intents_and_keeps_its_low_level_writers_private():
    # Issue 30: callers record a new comment, a batch of checks, a move, an Undo, an edit or
    # a report; how the one writer locks, reads and writes the rows stays inside the workflow.
    writer = ast.parse((ROOT / "comments" / "workflow" / "writer.py").read_text())
    public = {
        node.name
        for node in writer.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    }
    assert not public & LOW_LEVEL, sorted(public & LOW_LEVEL)

    workflow = ROOT / "comments" / "workflow"
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    offences = {
        path.relative_to(ROOT).as_posix(): names
        for package in packages
        for path in package.rglob("*.py")
        if workflow not in path.parents
        if (names := _private_uses_of_the_writer(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert not offences, offences
