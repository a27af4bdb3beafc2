"""The user's say over the pipeline's decisions: heuristics switched off by id, lines kept by rule.

`--disable` takes rule ids and groups, and the ids of the heuristics below; `check_disabled` refuses
any other name, with the nearest ones. After the pipeline has run, `apply` puts back the lines a
switched-off heuristic removed and the lines a ``keep`` rule matches, whatever removed them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..document import Document
from .rules import RuleError, RuleSet

HEURISTICS = {
    "heuristic.caption-before-credit": "The caption line just above a photo credit",
    "heuristic.meta-list": "Short items of a list whose other items are metadata",
    "heuristic.duplicate": "The second copy of a line printed twice",
    "model": "Lines the decision model judged junk (model:<the evidence that weighed most>)",
    "meta.title": "The headline, lifted into the title field (and its copies in the body)",
}


def _names(rule_id: str) -> set[str]:
    """`rule_id` and each of its dotted prefixes (its group, ...); a model decision
    (``model:<reason>``) is in the group ``model``."""
    if ":" in rule_id:
        return {rule_id, rule_id.split(":", 1)[0]}
    parts = rule_id.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def check_disabled(disabled: Iterable[str], rules: RuleSet) -> None:
    """RuleError for a name in `disabled` that is no rule id, group or heuristic id, with the nearest ones."""
    known = rules.ids().union(*map(_names, HEURISTICS))
    for name in disabled:
        if name not in known:
            near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(near)}?" if near else "; see 'cleaner rules list'"
            raise RuleError(f"--disable {name!r}: no rule, group or heuristic has this id{hint}")


def is_disabled(heuristic_id: str, disabled: Iterable[str]) -> bool:
    """True when `disabled` names `heuristic_id` or a group of it."""
    return bool(_names(heuristic_id).intersection(disabled))


def apply(doc: Document, rules: RuleSet, disabled: Iterable[str]) -> None:
    """Keep the lines of `doc` that a switched-off heuristic removed or that a keep rule matches."""
    off = {h for h in HEURISTICS if is_disabled(h, disabled)}
    for line in doc.lines:
        if line.decision is not None and (line.decision.by.split(":", 1)[0] in off
                                          or (rules.keeps and rules.keep(line.text))):
            line.decision = None
