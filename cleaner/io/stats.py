"""Per-rule counters: how many lines and characters each rule or heuristic id removed.

`removal_counts` reads one document's decisions (in whichever process cleaned it); `RemovalStats`
sums them over a batch, for ``cleaner clean --stats``.
"""

from __future__ import annotations

from typing import Any

from ..document import Document

Counts = dict[str, tuple[int, int]]  # rule or heuristic id -> (lines, characters)


def removal_counts(doc: Document, counts: Counts | None = None) -> Counts:
    """Lines and characters each id removed from `doc` (lifted metadata lines included), added to
    `counts` when given (the parts of one text)."""
    counts = {} if counts is None else counts
    for line in doc.lines:
        if line.decision is not None:
            lines, chars = counts.get(line.decision.by, (0, 0))
            counts[line.decision.by] = (lines + 1, chars + len(line.text))
    return counts


class RemovalStats:
    """Removal counts summed over documents."""

    def __init__(self) -> None:
        self.documents = 0
        self.by_id: dict[str, list[int]] = {}

    def add(self, counts: Counts) -> None:
        """Count one document's removals."""
        self.documents += 1
        for rule_id, (lines, chars) in counts.items():
            total = self.by_id.setdefault(rule_id, [0, 0])
            total[0] += lines
            total[1] += chars

    def to_dict(self) -> dict[str, Any]:
        """``{"documents": N, "removed": {id: {"lines": n, "chars": n}}}``, ids sorted."""
        return {"documents": self.documents,
                "removed": {k: {"lines": v[0], "chars": v[1]} for k, v in sorted(self.by_id.items())}}
