"""Heuristics: decisions no single rule can name, each with its own id.

``heuristic.caption-before-credit``  the caption line just above a photo credit
``heuristic.meta-list``             short items of a list whose other items are metadata
``heuristic.duplicate``             the second copy of a line printed twice (a caption, a pull quote)
``heuristic.safety-net``            (a warning, not a removal) the heuristics would have removed
                                    nearly everything, so their removals were undone

On the HTML path (text an extractor cut out of a page) these decide directly, and tail headings
proposed by ``tail.*`` rules are cut here too (`cut_tails`), but only when little prose follows
them; end headings (``end.*``: the start of a comment section) once article prose came before them.
On scraped text the decision model (`cleaner.decide.model`) decides and only the duplicates, captions of
dropped credits and the region's scoring (`region_score`, read by `cleaner.decide.evidence`) are used.
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

from ..document import Document, Line
from .features import MIN_STOP_DENSITY, Features, is_story_text
from .normalize import comparison_key

HEURISTIC = "heuristic."
TAIL_MAX_PROSE_AFTER = 0.25  # cut a tail when the prose after it is at most this share of the prose before
END_MIN_PROSE_BEFORE = 50  # words of prose an end heading (comments) needs before it to end the article
CAPTION_MAX_WORDS = 40  # a longer line above a credit is not its caption
CAPTION_PROSE_WORDS = 25  # ... nor is a paragraph of prose this long standing apart from the credit
SAFETY_MIN_SHARE = 0.1  # undo heuristics that keep less than this share of the words rules left...
SAFETY_MIN_WORDS = 50  # ... and fewer words than this
# What a kept line that is not prose costs the article region, by how much it reads like text:
REGION_COST_SENTENCE = 2.0  # a short sentence ("He declined to comment.")
REGION_COST_PHRASE = 8.0  # a phrase with function words (a subheading, a list item)
REGION_COST_OTHER = 15.0  # menu words, names, labels
REGION_EXTEND = 4  # at most this many text-like lines are added on each side of the region


def _by_heuristic(line: Line) -> bool:
    return line.decision is not None and line.decision.by.startswith(HEURISTIC)


def caption_before_credit(doc: Document, feats: list[Features], i: int) -> None:
    """Drop the caption that goes with the credit at line `i`: the kept line just above it, unless
    that line is a long paragraph of prose standing apart (then the credit belongs to an image
    without a caption) or story text (a lede, an editor's note)."""
    if i == 0:
        return
    prev, f = doc.lines[i - 1], feats[i - 1]
    if not prev.kept or f.words > CAPTION_MAX_WORDS or is_story_text(prev.text):
        return
    if doc.lines[i].blank_before and f.prose and f.words >= CAPTION_PROSE_WORDS:
        return
    prev.drop("heuristic.caption-before-credit")


def cut_tails(doc: Document, feats: list[Features], tails: dict[int, str], ends: set[int]) -> None:
    """Cut from a heading to the end of the document: a tail heading when little prose follows
    it, an end heading (the start of the comments) once article prose has come before it."""
    # prose words before each line: before[i] counts lines 0..i-1
    before_line = list(accumulate((f.words if (f.prose and ln.kept) else 0 for ln, f in zip(doc.lines, feats)),
                                  initial=0))
    total = before_line[-1]
    for i, rule_id in tails.items():
        before, after = before_line[i], total - before_line[i + 1]
        if (before and after <= TAIL_MAX_PROSE_AFTER * before) or (i in ends and before >= END_MIN_PROSE_BEFORE):
            for line in doc.lines[i + 1:]:
                line.drop(rule_id)
            return


def meta_list(doc: Document, feats: list[Features]) -> None:
    """In a run of list items where most items were lifted or dropped as metadata, drop the
    remaining short items too (the section and agency items of a story header)."""
    i = 0
    while i < len(doc.lines):
        j = i
        while j < len(doc.lines) and feats[j].list_item:
            j += 1
        run = range(i, j)
        if len(run) >= 3:
            meta = sum(1 for k in run if doc.lines[k].decision and doc.lines[k].decision.by.startswith("meta."))
            if meta * 2 >= len(run):
                for k in run:
                    if doc.lines[k].kept and feats[k].words <= 3:
                        doc.lines[k].drop("heuristic.meta-list")
        i = max(j, i + 1)


def duplicates(doc: Document) -> None:
    """Drop the second copy of a line printed twice (a caption, a pull quote); the first copy stays
    unless a rule removed it. A line printed three times or more is structure (the question of a
    questionnaire, a recurring label), not a repeat, and is left to the other stages."""
    keys = [comparison_key(line.text) for line in doc.lines]
    counts = Counter(keys)
    seen: set[str] = set()
    for line, key in zip(doc.lines, keys):
        if len(key) < 20 or counts[key] != 2:
            continue
        if key in seen:
            line.drop("heuristic.duplicate")
        seen.add(key)


def region_score(f: Features) -> float:
    """A line's contribution to the article region: prose adds its words, other lines cost."""
    if f.prose:
        return float(f.words)
    if f.turn:  # a short question or answer of an interview
        return -REGION_COST_SENTENCE
    if f.terminal and f.words >= 4 and f.stop >= MIN_STOP_DENSITY:
        return -REGION_COST_SENTENCE
    if f.words >= 4 and f.stop >= MIN_STOP_DENSITY:
        return -REGION_COST_PHRASE
    return -REGION_COST_OTHER


def too_little(kept: int, total: int) -> bool:
    """What a safety net undoes: removals that keep no word of `total`, or fewer than
    SAFETY_MIN_WORDS and under SAFETY_MIN_SHARE of them."""
    return bool(total) and (kept == 0 or kept < SAFETY_MIN_SHARE * total and kept < SAFETY_MIN_WORDS)


def safety_net(doc: Document, feats: list[Features]) -> None:
    """Undo the heuristics' removals when they would leave almost nothing of what rules kept."""
    candidates = [(ln, f) for ln, f in zip(doc.lines, feats) if ln.kept or _by_heuristic(ln)]
    total = sum(f.words for _, f in candidates)
    kept = sum(f.words for ln, f in candidates if ln.kept)
    if too_little(kept, total):
        for line, _ in candidates:
            if _by_heuristic(line) and line.decision.by != "heuristic.duplicate":
                line.decision = None
        doc.warnings.append("heuristic.safety-net: the heuristics would have removed nearly everything; "
                            "their removals were undone")
    if not any(ln.kept for ln in doc.lines) and doc.lines:
        for line in doc.lines:  # the title stays in its field, but its line comes back too
            if line.decision is not None and (line.decision.action == "drop" or line.decision.field == "title"):
                line.decision = None
        doc.warnings.append("heuristic.safety-net: every line was removed; the whole text is kept")
