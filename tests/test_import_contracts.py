"""The apps depend one way (blog <- comments <- subscriptions, core under all): import-linter.

The contracts are in pyproject.toml ([tool.importlinter]); this runs them in `make test`.
"""

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
