"""What an import did, told the way an editor reads it."""

from collections import Counter
from dataclasses import dataclass, field

_PLURALS = {"category": "categories", "entry": "entries"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {_PLURALS.get(noun, noun + 's')}"


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) → count
    protected: list[str] = field(default_factory=list)
    shortcodes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    site: str = ""
    version: str = ""

    def warn(self, kind: str, wp_id, message: str) -> None:
        self.warnings.append(f"{kind} {wp_id}: {message}")

    def lines(self) -> list[str]:
        order = ["author", "category", "tag", "post", "page", "comment", "image", "old link"]

        def counts(counter):
            return ", ".join(_plural(counter[k], k) for k in order if counter[k]) or "nothing"

        lines = [
            f"Imported {self.site or 'the export'} (WXR {self.version}).",
            f"Created: {counts(self.created)}.",
            f"Already present: {counts(self.present)}.",
        ]
        if self.skipped:
            skipped = ", ".join(
                f"{_plural(n, kind)} ({reason})"
                for (kind, reason), n in sorted(self.skipped.items())
            )
            lines.append(f"Skipped: {skipped}.")
        if self.protected:
            lines.append(
                "Password-protected, kept behind their password: " + ", ".join(self.protected) + "."
            )
        if self.shortcodes:
            codes = ", ".join(f"[{name}] x{n}" for name, n in self.shortcodes.most_common())
            lines.append(f"Shortcodes left as text: {codes}.")
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines.extend(f"  {warning}" for warning in self.warnings)
        return lines
