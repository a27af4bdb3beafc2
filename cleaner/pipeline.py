"""The pipeline: plain functions over a `Document`, run in order. No stage does any I/O.

    text ─► lines (newlines unified, language guessed, wraps repaired, lines normalized)
         ─► rules ─► heuristics ─► title ─► line model ─► settle ─► metadata ─► (render, in render.py)

`prepare` runs the stages up to the title, `clean_document` all of them; the HTML front door uses
the ``"html"`` profile, which leaves out the article region, the line model and settling.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import heuristics, metadata, model
from .document import Decision, Document, Line
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


def apply_rules(doc: Document, rules: RuleSet, feats: list[Features]) -> tuple[dict[int, str], set[int]]:
    """Mark every line a rule matches; return the tail and end headings (line index -> rule id,
    for `cut_tails` and the line model) and, among them, the end headings."""
    tails: dict[int, str] = {}
    ends: set[int] = set()
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
        elif rule.kind in ("tail", "end"):
            tails[i] = rule.id
            if rule.kind == "end":
                ends.add(i)
    return tails, ends


_NO_RULES = RuleSet([])


@dataclass
class Prepared:
    """What the stages before the line model found: line features, the article region, tail headings."""

    feats: list[Features]
    span: tuple[int, int] | None
    tails: dict[int, str]


def prepare(doc: Document, rules: RuleSet, profile: str = "text") -> Prepared:
    """Rules, the structural heuristics and the title: everything the line model reads."""
    feats = features(doc.lines, doc.language)
    tails, ends = apply_rules(doc, rules, feats)
    heuristics.meta_list(doc, feats)
    heuristics.cut_tails(doc, feats, tails, ends)
    heuristics.duplicates(doc)
    if profile == "text":
        core = heuristics.article_region(doc, feats)
        metadata.find_title(doc, feats, core[0] if core else None)
        if core:
            metadata.guess_date(doc, core[0])
    else:  # the page's metadata gave the title: only its copies in the body go
        core = None
        metadata.find_title(doc, feats, 0)
    span = heuristics.extend_region(doc, feats, core) if core else None
    if span is not None:
        heuristics.drop_outside(doc, span)
    return Prepared(feats, span, tails)


def clean_document(doc: Document, rules: RuleSet, profile: str = "text") -> Document:
    """Run rules, heuristics, the line model and metadata over `doc` (in place) and return it.

    Profile ``"html"`` is for text an extractor already cut out of a page: rules and the line
    heuristics run, but not the article region nor the line model, and the title comes only from
    the page's metadata. Profile ``"text"`` cleans the kept lines again until nothing changes
    (`settle`), so cleaning a cleaned text gives it back unchanged."""
    _one_pass(doc, rules, profile)
    if profile == "text":
        settle(doc)
    metadata.collect_fields(doc)
    return doc


def _one_pass(doc: Document, rules: RuleSet, profile: str) -> None:
    prep = prepare(doc, rules, profile)
    if profile == "text":
        model.classify(doc, prep.feats, prep.span, prep.tails)
    heuristics.safety_net(doc, prep.feats)


def settle(doc: Document) -> None:
    """Clean the kept lines as a document of their own, and carry what that removes or lifts back
    to the original lines, until a round decides nothing (the context of a line changes once
    junk around it is gone, so one pass is not always a fixed point). Every round that goes on
    decides at least one kept line, so there are at most as many rounds as lines."""
    for _ in range(len(doc.lines)):
        kept = doc.kept()
        if len(kept) < 2:
            return
        # The kept lines as `build` would read the cleaned text (one paragraph each, language
        # guessed afresh). Rules only read a line's own text, so none of them can fire again.
        text = "\n\n".join(ln.text for ln in kept)
        again = Document(doc.source, [Line(ln.text, 2 * i, 2 * i + 1) for i, ln in enumerate(kept)],
                         original=text, language=detect(text))
        _one_pass(again, _NO_RULES, "text")
        decided = [(ln, new) for ln, new in zip(kept, again.lines) if new.decision is not None]
        if not decided or len(decided) == len(kept):
            return
        for line, new in decided:
            d = new.decision
            if d.action == "field" and d.field in doc.metadata:  # a second title: removed, not lifted
                d = Decision("drop", d.by)
            line.decision = d
        for name, value in again.metadata.items():
            doc.metadata.setdefault(name, value)