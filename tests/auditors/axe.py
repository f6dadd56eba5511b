"""axe-core (npm), injected with Playwright into Debian's chromium."""

import os

import pytest

from tests.auditors.nu import AUDITORS

AXE_SCRIPT = AUDITORS / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA and axe's best practices: what Lighthouse's accessibility score runs.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require_axe() -> None:
    if AXE_SCRIPT.exists():
        return
    reason = "axe-core is not installed (make auditors installs tests/auditors' npm packages)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def violations(page) -> list[dict]:
    """Return axe's violations on the page as it is now, each with its failing nodes."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def describe(found: dict[str, list[dict]]) -> str:
    """Return the violations as lines a person reads: page, rule, impact, nodes and why."""
    lines = []
    for name, violations in found.items():
        for v in violations:
            lines.append(f"{name}: {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:6]:
                why = " ".join(node.get("failureSummary", "").split())[:300]
                lines.append(f"    {', '.join(map(str, node['target']))}: {why}")
    return "\n".join(lines)
