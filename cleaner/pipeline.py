"""The pipeline: plain functions over a `Document`, run in order. No stage does any I/O.

    text ─► lines (newlines unified, language guessed, wraps repaired, lines normalized)
         ─► rules ─► heuristics ─► metadata ─► (render, in render.py)
"""

from __future__ import annotations

from . import heuristics, metadata
from .document import Document
from .features import Features, features
from .language import detect, iso
from .normalize import split_physical_lines
from .rules import RuleSet
from .wraps import repair


def build(text: str, source: str = "<text>") -> Document:
    """Split `text` into repaired, normalized logical lines."""
    unified = "\n".join(split_physical_lines(text))
    language = detect(unified)
    return Document(source=source, lines=repair(unified, iso(language)), original=unified, language=language)


def apply_rules(doc: Document, rules: RuleSet, feats: list[Features]) -> list[int]:
    """Mark every line a rule matches; return the indices of tail headings for `cut_tails`."""
    tails: list[int] = []
    for i, line in enumerate(doc.lines):
        hit = rules.match(line.text)
        if hit is None:
            continue
        rule, m = hit
        if rule.kind == "field":
            line.lift(rule.id, rule.field or "", rule.value(m))
        else:
            line.drop(rule.id)
        if rule.kind == "credit":
            heuristics.caption_before_credit(doc, feats, i)
        elif rule.kind == "tail":
            tails.append(i)
    return tails


def clean_document(doc: Document, rules: RuleSet) -> Document:
    """Run rules, heuristics and metadata over `doc` (in place) and return it."""
    feats = features(doc.lines, doc.language)
    tails = apply_rules(doc, rules, feats)
    heuristics.meta_list(doc, feats)
    heuristics.cut_tails(doc, feats, tails)
    heuristics.duplicates(doc)
    span = heuristics.article_region(doc, feats)
    if span is not None:
        heuristics.drop_outside(doc, span)
    metadata.find_title(doc, feats, span[0] if span else len(doc.lines))
    heuristics.safety_net(doc, feats)
    metadata.collect_fields(doc)
    return doc
