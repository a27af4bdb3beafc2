"""The pipeline: plain functions over a `Document`, run in order. No stage does any I/O.

    text ─► lines (newlines unified, language guessed, wraps repaired, lines normalized)
         ─► evidence (rules, structure, title) ─► decision model ─► metadata ─► (render)

Profile ``"text"`` (scraped text, Markdown) gathers every stage's evidence per line and lets the
decision model (`cleaner.decide.model`) decide each line; only certain rules, metadata fields and the
title decide on their own. Profile ``"html"`` is for text an extractor already cut out of a page:
rules and the line heuristics decide directly (tails, duplicates, captions), no region, no model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from .decide import heuristics, metadata, model
from .decide.evidence import FEATURES, NAMES, Evidence, gather
from .decide.features import Features, features, is_story_text
from .decide.language import detect, iso
from .decide.normalize import split_physical_lines, unify_newlines
from .decide.rules import RuleSet
from .decide.wraps import repair
from .document import Decision, Document, Line

MODEL_PREFIX = "model:"
TEMPLATE_SHARE = NAMES.index("template_share")
TEMPLATE_COLUMNS = [NAMES.index(n) for n, g in FEATURES.items() if g == "template"]
TEMPLATE_REASON = model.REASONS["template"]  # the reason of a line dropped only for being on other pages of its site
SITE_PAGES = NAMES.index("site_pages")  # log of the pages its site was counted on
# a line on this share of at least this many pages of its site goes whatever the model says: on
# daniel's sites 0.4% of such lines' words are main content (and those mostly "More...", disclaimers)
COMMON_SHARE, COMMON_PAGES = 0.8, 5
NO_PROSE = "model.no-prose"
SEGMENT_LINES = 10_000  # a longer document is decided in segments of this many lines


def build(text: str, source: str = "<text>") -> Document:
    """Split `text` into repaired, normalized logical lines."""
    unified = "\n".join(split_physical_lines(text))
    language = detect(unified)
    return Document(source=source, lines=repair(unified, iso(language)), original=unified, language=language)


def text_parts(text: str, size: int | None = None) -> Iterator[tuple[str, int]]:
    """Scraped text (newlines unified) in parts of at least `size` (SEGMENT_LINES) non-blank lines,
    each ended by a blank line, or after twice that many lines without one by a line's end: each
    part with the number of its first line in `text`. One part for a text of fewer lines.

    Long scraped text is built and decided part by part, each part a page of its own sharing the
    document's metadata (`Cleaner.clean_parts`): memory is that of one part, not of the whole
    text's lines, and a part's decisions do not depend on how long the text is after it.

    >>> [(part, first) for part, first in text_parts("a\\nb\\n\\nc\\n\\nd", size=2)]
    [('a\\nb\\n\\n', 0), ('c\\n\\nd', 3)]
    """
    size = size or SEGMENT_LINES
    if text.count("\n") < size:  # fewer lines than a part holds (every web page): no line walked
        yield text, 0
        return
    start = pos = filled = 0
    first = line_no = 0
    end_of_text = len(text)
    while pos < end_of_text:
        end = text.find("\n", pos)
        end = end_of_text if end < 0 else end
        blank = text[pos:end].isspace() or pos == end
        filled += not blank
        line_no += 1
        pos = end + 1
        if (filled >= size and blank) or filled >= 2 * size:
            if pos < end_of_text:
                yield text[start:pos], first
                start, first, filled = pos, line_no, 0
    yield text[start:], first


def built_parts(text: str, source: str = "<text>") -> Iterator[tuple[Document, int]]:
    """The parts of scraped text (`text_parts`), each built (`build`), with the number of its first line."""
    for part, first in text_parts(unify_newlines(text)):
        yield build(part, source), first


def shifted(doc: Document, first: int) -> Document:
    """`doc`, a part of a longer text that starts at line `first`, with its lines and joins
    numbered in the whole text."""
    if first:
        for line in doc.lines:
            line.start += first
            line.end += first
            for join in line.joins:
                join.line += first
    return doc


def joined(parts: list[Document], original: str) -> Document:
    """One document of a text's decided parts (`shifted`), sharing their metadata."""
    head = parts[0]
    return Document(head.source, [ln for part in parts for ln in part.lines], original, head.metadata,
                    list(dict.fromkeys(head.warnings)), head.language, head.site, head.site_pages)


def clean_document(doc: Document, rules: RuleSet, profile: str = "text", settle: bool = False) -> Document:
    """Decide every line of `doc` (in place) and fill its metadata; return it. With `settle`, the
    text profile decides the kept lines again until nothing changes (`settle`)."""
    if profile == "html":
        _html_pass(doc, rules)
    else:
        decide(doc, rules)
        if settle:
            settle_lines(doc, rules)
    metadata.collect_fields(doc)
    return doc


def decide(doc: Document, rules: RuleSet) -> None:
    """Gather the evidence and let the model drop what it judges junk: a document of more than
    SEGMENT_LINES lines (no web page: the corpora's longest has 7,444; scraped text that long comes
    in parts, `text_parts`, so this is Markdown's case) segment by segment, each decided as a page
    of its own sharing the document's metadata (the title found in the first is lifted from the
    others too), so that the memory a document needs stays that of its text and lines, not of every
    line's evidence at once."""
    if len(doc.lines) <= SEGMENT_LINES:
        _decide_page(doc, rules)
        return
    for start in range(0, len(doc.lines), SEGMENT_LINES):
        _decide_page(Document(doc.source, doc.lines[start:start + SEGMENT_LINES], doc.original, doc.metadata,
                              doc.warnings, doc.language, doc.site, doc.site_pages), rules)


def _decide_page(doc: Document, rules: RuleSet) -> None:
    ev = gather(doc, rules)
    if not ev.has_region:
        if ev.open:
            doc.warnings.append(f"{NO_PROSE}: no line reads like prose (a table, a list, a calendar); "
                                "the model kept every line")
        return
    _apply_model(doc, ev)
    heuristics.duplicates(doc)
    _captions(doc, ev)
    _safety_net(doc, ev)


def settle_lines(doc: Document, rules: RuleSet) -> None:
    """Decide the kept lines again as a document of their own, and carry what that removes back,
    until a round decides nothing: cleaning the output then gives it back unchanged."""
    for _ in range(len(doc.lines)):
        kept = doc.kept()
        if len(kept) < 2:
            return
        text = "\n\n".join(ln.text for ln in kept)
        again = Document(doc.source, [Line(ln.text, 2 * i, 2 * i + 1, kind=ln.kind, level=ln.level,
                                           link_share=ln.link_share, template_pages=ln.template_pages)
                                      for i, ln in enumerate(kept)],
                         original=text, language=detect(text), site=doc.site, site_pages=doc.site_pages)
        decide(again, rules)  # as cleaning the output would: a title it would lift goes here
        decided = [(ln, new) for ln, new in zip(kept, again.lines) if new.decision is not None]
        if not decided or len(decided) == len(kept):
            return
        for line, new in decided:
            d = new.decision
            if d.action == "field" and d.field in doc.metadata:  # a second title: removed, not lifted
                d = Decision("drop", d.by)
            line.decision = d


def _captions(doc: Document, ev: Evidence) -> None:
    """A photo credit that went takes its caption, the line just above it, along: nine times in
    ten that line is the picture's caption (`heuristics.caption_before_credit` says when it is not)."""
    for i, (line, rule) in enumerate(zip(doc.lines, ev.hits)):
        if rule is not None and rule.kind == "credit" and not line.kept:
            heuristics.caption_before_credit(doc, ev.feats, i)


def _apply_model(doc: Document, ev: Evidence) -> None:
    m = model.load()
    _, prob = m.probabilities(ev.matrix, ev.words)
    dropped = prob < m.threshold
    by_template = np.zeros(len(dropped), dtype=bool)
    template = ev.matrix[:, TEMPLATE_SHARE]
    if not np.isnan(template).all():
        dropped, by_template = _guard_templates(m, ev, dropped, template)
    drop = [k for k in np.flatnonzero(dropped).tolist() if not is_story_text(doc.lines[ev.open[k]].text)]
    if not drop:
        return
    for k, reason in zip(drop, m.reasons(ev.matrix[drop], [ev.rule_ids[k] for k in drop])):
        doc.lines[ev.open[k]].drop(MODEL_PREFIX + (TEMPLATE_REASON if by_template[k] else reason))


def _guard_templates(m: model.LineModel, ev: Evidence, dropped: np.ndarray,
                     template: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """With site templates the page is decided as on its own, and a line seen on other pages of its
    site may go besides: the counts only ever remove template lines (0.998 junk on daniel). Letting
    them move the decisions of the page's own lines too scored higher overall but lower on 6 of 34
    daniel sites; this way no site scores below cleaning its pages one by one. Returns the lines
    dropped, and those dropped only for being seen on other pages (their reason is the template);
    a line on nearly every page of the site goes whatever the model says of it."""
    alone = ev.matrix.copy()
    alone[:, TEMPLATE_COLUMNS] = np.nan
    _, prob = m.probabilities(alone, ev.words)
    alone_drop = prob < m.threshold
    common = (template >= COMMON_SHARE) & (ev.matrix[:, SITE_PAGES] >= math.log(COMMON_PAGES))
    by_template = (dropped & (template > 0) | common) & ~alone_drop
    return alone_drop | by_template, by_template


def _safety_net(doc: Document, ev: Evidence) -> None:
    """Undo the model's removals when they leave almost nothing of the open lines."""
    lines = [doc.lines[i] for i in ev.open]
    words = [ev.feats[i].words for i in ev.open]  # counts CJK characters too
    total = sum(words)
    kept = sum(w for ln, w in zip(lines, words) if ln.kept)
    if heuristics.too_little(kept, total):
        for line in lines:
            line.decision = None
        doc.warnings.append("heuristic.safety-net: the model would have removed nearly everything; "
                            "its removals were undone")


def _html_pass(doc: Document, rules: RuleSet) -> None:
    """Rules and the line heuristics decide directly on text an extractor cut out of a page."""
    feats = features(doc.lines, doc.language)
    tails, ends = _apply_rules(doc, rules, feats)
    heuristics.meta_list(doc, feats)
    heuristics.cut_tails(doc, feats, tails, ends)
    heuristics.duplicates(doc)
    metadata.find_title(doc, None)  # the page's metadata gave the title: only its copies in the body go
    heuristics.safety_net(doc, feats)


def _apply_rules(doc: Document, rules: RuleSet, feats: list[Features]) -> tuple[dict[int, str], set[int]]:
    """Every rule decides; return the tail and end headings (line index -> rule id) and the end headings."""
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

