"""Evidence: everything the stages know about each line, as one row of numbers for the decision model.

The stages used to decide on their own (a rule drops, a heuristic cuts a tail, the region drops what
lies outside it). Here they only *report*: which rule matched a line and of what kind, whether the
line sits inside the densest run of prose or how far from it, after a tail heading with little prose
following, whether it is printed twice, sits above a photo credit, among metadata items, before the
title; and with that the line's own shape, the same for its neighbours, windows around it and the
page as a whole. `cleaner.decide.model` turns a row into the decision.

Some evidence still decides by itself, because it is certain: a rule marked ``certain`` (and every
user rule), the lifting of metadata fields (bylines, datelines) and of the title. Those lines are
decided here and get no row.

Every feature belongs to a *group* (`GROUPS`); a line the model drops is explained by the group whose
features weighed most against it (``model:outside-region``, ``model:nav-like``, ...).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np
import regex

from ..document import Document, Line
from .features import Features, features, is_story_text
from .heuristics import CAPTION_MAX_WORDS, END_MIN_PROSE_BEFORE, REGION_COST_OTHER, REGION_EXTEND, \
    TAIL_MAX_PROSE_AFTER, region_score
from .language import CJK_CLASS, WORD, is_cjk, stoplist
from .metadata import LETTER, UPPER, find_title, guess_date, is_headline, parse_date
from .normalize import comparison_key
from .rules import Rule, RuleSet
from .titles import best_title

_UPPER_WORD = regex.compile(r"\b\p{Lu}")
_WORD_START = regex.compile(r"\b\w")
_DIGIT = regex.compile(r"\d")
_QUOTE = regex.compile(r"[\"“”«»„]")
_PUNCT = regex.compile(r"[^\w\s]")
_SEPARATOR = regex.compile(r"\s[|•·/»›>–-]\s")
_URL = regex.compile(r"https?://|www\.")
_ELLIPSIS = regex.compile(r"(\.\.\.|…)\s*$")
_COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}", regex.I)
# a word ending where the next begins with a capital, no space between: teasers glued to their
# summary ("Student-AthleteA 24-year-old woman ...") or menu items run together ("NewsSportWeather")
_GLUED = regex.compile(r"\p{Ll}[.!?”’\"')]?\p{Lu}(?=\p{Ll}|\s|$)")
_SENTENCE_END = regex.compile(r"[.!?。！？][\"”’»)]*\s+\p{Lu}|[。！？]")

RULE_GROUPS = ("nav", "caption", "meta", "tail", "end")
KINDS = ("heading", "item", "quote", "table", "image", "code")
WINDOWS = (3, 10)
REACH = 2  # the neighbours a line's row shows, each side
MIN_SITE_PAGES = 3  # template counts over fewer pages of a site say nothing
ROW_CHUNK = 1024  # open lines whose evidence is built at once (as Python floats: memory stays flat)


def _names() -> dict[str, str]:
    """Feature name -> group, in column order."""
    out: dict[str, str] = {}
    shape = ["log_words", "log_chars", "stop", "terminal", "prose", "headline", "linky", "list_item", "cjk",
             "numeric", "bullets", "turn", "story", "has_date", "title_case", "upper", "digits", "punct",
             "word_len", "lower_start", "colon_end", "question_end", "ellipsis_end", "quote", "separators",
             "url", "copyright", "glued", "sentences", "letters", "blank_before", "repeat_first_word"]
    out.update({n: "shape" for n in shape})
    out.update({"link_share": "links", "links_known": "links", "level": "links"})
    out.update({"template_share": "template", "site_pages": "template"})
    out.update({f"kind_{k}": "links" for k in KINDS})
    out.update({f"rule_{g}": "rule" for g in RULE_GROUPS})
    out.update({"rule_credit": "caption", "above_credit": "caption", "caption_near": "caption",
                "rule_field": "rule", "rule_tail_heading": "tail", "rule_end_heading": "tail",
                "meta_item": "rule"})
    out.update({n: "region" for n in ("in_region", "before_region", "after_region", "region_dist",
                                       "region_pos", "region_share")})
    out.update({n: "tail" for n in ("after_tail_cut", "after_tail", "after_end", "tail_dist")})
    out.update({n: "duplicate" for n in ("copies", "later_copy", "copies_3")})
    out.update({n: "title" for n in ("before_title", "after_title", "title_dist")})
    out.update({n: "position" for n in ("doc_pos", "prose_before", "prose_after")})
    out.update({n: "topic" for n in ("core_overlap", "title_overlap", "w3_core_overlap")})
    for side in ("prev", "next", "prev2", "next2"):
        out.update({f"{side}_{n}": "context" for n in ("log_words", "prose", "terminal", "linky", "list_item",
                                                        "rule", "headline", "decided")})
    for w in WINDOWS:
        out.update({f"w{w}_{n}": "context" for n in ("prose", "log_words", "linky", "list_item", "short",
                                                     "rule", "headline", "links", "same_shape")})
    out.update({"run_similar": "context"})
    out.update({n: "page" for n in ("page_lines", "page_words", "page_prose_share", "page_prose_lines",
                                     "page_short_share", "page_list_share", "page_linky_share",
                                     "page_links", "page_cjk", "page_has_region", "page_tails",
                                     "page_words_per_line")})
    return out


FEATURES: dict[str, str] = _names()
NAMES: tuple[str, ...] = tuple(FEATURES)
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(FEATURES.values()))


@dataclass
class Evidence:
    """The rows of the lines left for the model (`open` gives their indices in the document)."""

    matrix: np.ndarray  # (len(open), len(NAMES)) float32; NaN where the input cannot say
    open: list[int]
    rule_ids: list[str | None]  # per open line: the id of the (uncertain) rule that matched it
    has_region: bool
    hits: list[Rule | None]  # per line of the document: the rule that matched it
    feats: list[Features]  # per line of the document
    words: list[frozenset[str]]  # per open line: its content words (`content_words`)


def shape_reference(text: str) -> tuple[float, ...]:
    """Shape figures of one line's text that `Features` does not hold (in `regex`: the reference of
    the compiled `_figures.shape_figures`)."""
    chars = len(text) or 1
    starts = len(_WORD_START.findall(text)) or 1
    letters = len(LETTER.findall(text)) or 1
    words = text.split()
    return (
        len(_UPPER_WORD.findall(text)) / starts,
        len(UPPER.findall(text)) / letters,
        len(_DIGIT.findall(text)) / chars,
        len(_PUNCT.findall(text)) / chars,
        sum(map(len, words)) / (len(words) or 1),
        float(text[:1].islower()),
        float(text.rstrip().endswith(":")),
        float(text.rstrip().endswith(("?", "？"))),
        float(bool(_ELLIPSIS.search(text))),
        float(bool(_QUOTE.search(text))),
        float(len(_SEPARATOR.findall(text))),
        float(bool(_URL.search(text))),
        float(bool(_COPYRIGHT.search(text))),
        float(len(_GLUED.findall(text))),
        float(len(_SENTENCE_END.findall(text))),
        letters / chars,
    )


def content_words_reference(text: str, stops: frozenset[str]) -> frozenset[str]:
    """The lower-cased `WORD` tokens of `text` of three characters or more, not in `stops`, not digits
    (the reference of the compiled `_figures.content_words`)."""
    return frozenset(w for w in (t.lower() for t in WORD.findall(text)) if len(w) >= 3 and w not in stops
                     and not w.isdigit())


try:  # one pass over the characters (`_figures.pyx`, built on install); the references when it was not built
    from ._figures import content_words as content_words_of, shape_figures
except ImportError:  # pragma: no cover - an install without a C compiler
    shape_figures, content_words_of = shape_reference, content_words_reference
_shape = lru_cache(maxsize=1 << 16)(shape_figures)
SHAPE_WIDTH = len(shape_reference(""))
_CJK_RUN = regex.compile(CJK_CLASS + "+")


CACHED_LINE = 300  # characters: longer lines are a page's own text, rarely seen again, and their word sets are big


def content_words(text: str, language: str | None) -> frozenset[str]:
    """The words of a line that say what it is about: lower-cased, no stopwords, three letters or
    more; in Chinese and Japanese, pairs of characters. Short lines (menus, footers) are cached."""
    return _content_words(text, language) if len(text) <= CACHED_LINE else _content_words.__wrapped__(text, language)


@lru_cache(maxsize=1 << 16)
def _content_words(text: str, language: str | None) -> frozenset[str]:
    if is_cjk(language):
        return frozenset(run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1))
    return content_words_of(text, stoplist(language))


def _topic(words: list[frozenset[str]], inside: list[bool], title: frozenset[str]) -> tuple[list[float], list[float]]:
    """Per line: the share of its content words found in the other lines of the article region
    (a teaser of another story or a menu shares few with the article), and in the title."""
    return word_share(words, inside), [len(ws & title) / len(ws) if ws and title else math.nan for ws in words]


def word_share(words: list[frozenset[str]], among: list[bool]) -> list[float]:
    """Per line: the share of its content `words` found in the other lines marked `among` (NaN: it has none)."""
    counts: Counter[str] = Counter()
    for ws, marked in zip(words, among, strict=True):
        if marked:
            counts.update(ws)
    return [sum(1 for w in ws if counts[w] - marked > 0) / len(ws) if ws else math.nan
            for ws, marked in zip(words, among)]


def _first_word(text: str) -> str:
    head = text.split(maxsplit=1)
    return head[0].lower() if head else ""


def _shape_key(line: Line, f: Features) -> tuple:
    """A coarse signature: lines of a list or a menu share it with their neighbours."""
    return (min(f.words, 12) // 3, f.terminal, f.list_item, line.kind, f.linky)


def decide_rules(doc: Document, rules: RuleSet, feats: list[Features]) -> list[Rule | None]:
    """Match every line; certain rules decide (drop), field rules lift; return the rule of each line."""
    hits: list[Rule | None] = []
    for line in doc.lines:
        hit = rules.match(line.text)
        rule = hit[0] if hit else None
        hits.append(rule)
        if rule is None:
            continue
        if rule.kind == "field":
            line.lift(rule.id, rule.field or "", rule.value(hit[1]))
        elif rule.certain:
            line.drop(rule.id)
    return hits


def _region(doc: Document, feats: list[Features], usable: list[bool]) -> tuple[int, int] | None:
    """The densest run of prose among `usable` lines, widened over adjacent text-like lines."""
    best, best_span = 0.0, None
    run, run_start = 0.0, None
    for i, f in enumerate(feats):
        if not usable[i]:
            continue
        score = region_score(f)
        if run_start is None or run + score < 0:
            if score > 0:
                run, run_start = score, i
            else:
                run, run_start = 0.0, None
                continue
        else:
            run += score
        if run > best:
            best, best_span = run, (run_start, i + 1)
    if best_span is None:
        return None
    start, end = best_span

    def text_like(i: int) -> bool:
        return usable[i] and region_score(feats[i]) > -REGION_COST_OTHER

    while end < len(feats) and end - best_span[1] < REGION_EXTEND and text_like(end):
        end += 1
    while (start > 0 and best_span[0] - start < REGION_EXTEND and text_like(start - 1)
           and not is_headline(doc.lines[start - 1], feats[start - 1])):
        start -= 1
    return start, end


def _tail_flags(feats: list[Features], hits: list[Rule | None], usable: list[bool]) -> tuple[list[float], ...]:
    """Per line: after a tail heading that little prose follows (a cut), after any tail heading,
    after an end heading with article prose before it, distance in lines to the nearest tail before."""
    n = len(feats)
    prose = list(accumulate((f.words if f.prose and usable[i] else 0 for i, f in enumerate(feats)), initial=0))
    total = prose[-1]
    cut, after, end_after, dist = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    last = None
    for i in range(n):
        if last is not None:
            after[i] = 1.0
            dist[i] = math.log1p(i - last)
        rule = hits[i]
        if rule is None or rule.kind not in ("tail", "end"):
            continue
        before, following = prose[i], total - prose[i + 1]
        if before and following <= TAIL_MAX_PROSE_AFTER * before:
            for j in range(i + 1, n):
                cut[j] = 1.0
        if rule.kind == "end" and before >= END_MIN_PROSE_BEFORE:
            for j in range(i + 1, n):
                end_after[j] = 1.0
        last = i
    return cut, after, end_after, dist


def _meta_items(doc: Document, feats: list[Features], hits: list[Rule | None]) -> list[float]:
    """Short items of a list whose other items are mostly metadata (section, agency, date)."""
    out = [0.0] * len(feats)
    i = 0
    while i < len(feats):
        j = i
        while j < len(feats) and feats[j].list_item:
            j += 1
        if j - i >= 3:
            meta = sum(1 for k in range(i, j) if hits[k] is not None and hits[k].group == "meta")
            if meta * 2 >= j - i:
                for k in range(i, j):
                    out[k] = float(feats[k].words <= 3)
        i = max(j, i + 1)
    return out


def structure(doc: Document, rules: RuleSet) -> tuple[list[Features], list[Rule | None], list[bool],
                                                     tuple[int, int] | None, list[frozenset[str]]]:
    """Apply the certain rules and fields to `doc`; return each line's figures and rule hit, the lines
    the structure reads as content candidates (open, no rule matched them), the article body (the
    densest run of prose among them) and each line's content words."""
    feats = features(doc.lines, doc.language)
    hits = decide_rules(doc, rules, feats)
    usable = [ln.kept and hits[i] is None for i, ln in enumerate(doc.lines)]
    return feats, hits, usable, _region(doc, feats, usable), [content_words(ln.text, doc.language) for ln in doc.lines]


def gather(doc: Document, rules: RuleSet) -> Evidence:
    """Apply the certain decisions to `doc` (certain rules, fields, the title) and return the rows
    of every line left open."""
    feats, hits, usable, span, topic_words = structure(doc, rules)
    n = len(doc.lines)
    keys = [comparison_key(ln.text) for ln in doc.lines]
    headlines = [is_headline(ln, f) for ln, f in zip(doc.lines, feats)]
    # (a title the caller or an earlier part of the page gave is not guessed again)
    find_title(doc, None if doc.metadata.get("title")
               else best_title(doc, feats, hits, span, usable, topic_words, keys, headlines))
    if span:
        guess_date(doc, span[0])
    usable = [u and doc.lines[i].kept for i, u in enumerate(usable)]
    title_idx = [i for i, ln in enumerate(doc.lines) if ln.decision and ln.decision.field == "title"]
    first_title = title_idx[0] if title_idx else None

    counts = Counter(k for k in keys if len(k) >= 20)
    seen: set[str] = set()
    later = [0.0] * n
    for i, k in enumerate(keys):
        if k in counts:
            later[i] = float(k in seen)
            seen.add(k)
    cut, after_tail, after_end, tail_dist = _tail_flags(feats, hits, usable)
    meta = _meta_items(doc, feats, hits)
    credit = [float(h is not None and h.kind == "credit") for h in hits]

    lines = doc.lines
    words = [f.words for f in feats]
    log_words = [math.log1p(w) for w in words]
    prose = [float(f.prose) for f in feats]
    headline = [float(h and not f.prose) for h, f in zip(headlines, feats)]
    decided = [float(not ln.kept) for ln in lines]
    rule_hit = [float(h is not None) for h in hits]
    short = [float(w < 4) for w in words]
    links = [ln.link_share if ln.link_share is not None else math.nan for ln in lines]
    site_pages = doc.site_pages if doc.site_pages and doc.site_pages >= MIN_SITE_PAGES else None
    template = [ln.template_pages / site_pages if site_pages and ln.template_pages is not None else math.nan
                for ln in lines]
    known = any(ln.link_share is not None for ln in lines)
    keyed = [_shape_key(ln, f) for ln, f in zip(lines, feats)]
    first_words = Counter(_first_word(ln.text) for ln in lines)
    prose_words = [w if p else 0 for w, p in zip(words, prose)]
    cum = list(accumulate(prose_words, initial=0))
    total_words, total_prose = sum(words) or 1, cum[-1] or 1
    # runs of lines of the same signature (a list, a menu)
    run = [1] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and keyed[j + 1] == keyed[i]:
            j += 1
        for k in range(i, j + 1):
            run[k] = j - i + 1
        i = j + 1

    idx = np.arange(n)
    numbering: dict[tuple, int] = {}
    key_ids = np.array([numbering.setdefault(k, len(numbering)) for k in keyed], dtype=np.intp)

    def windowed(values: list[float], w: int) -> np.ndarray:
        """Each line's mean of `values` over the lines within `w` of it."""
        c = np.concatenate([[0.0], np.cumsum(np.asarray(values, np.float64))])
        lo, hi = np.maximum(0, idx - w), np.minimum(n, idx + w + 1)
        return (c[hi] - c[lo]) / (hi - lo)

    def same_shape(w: int) -> np.ndarray:
        """Each line's share of the lines within `w` of it that have its shape key."""
        count = np.zeros(n)
        for d in range(-min(w, n - 1), min(w, n - 1) + 1):
            a, b = max(0, -d), min(n, n - d)  # lines i in [a, b) have a neighbour i + d
            count[a:b] += key_ids[a:b] == key_ids[a + d:b + d]
        return count / (np.minimum(n, idx + w + 1) - np.maximum(0, idx - w))

    link_vals = [v if v == v else 0.0 for v in links]
    terminal, linky = [float(f.terminal) for f in feats], [float(f.linky) for f in feats]
    list_item = [float(f.list_item) for f in feats]
    per_window = (prose, log_words, linky, list_item, short, rule_hit, headline, link_vals)
    win = np.stack([column for w in WINDOWS for column in [windowed(v, w) for v in per_window] + [same_shape(w)]],
                   axis=1) if n else np.zeros((0, (len(per_window) + 1) * len(WINDOWS)))
    page = [
        math.log1p(n), math.log1p(total_words), sum(prose_words) / total_words, math.log1p(sum(prose)),
        sum(short) / (n or 1), sum(f.list_item for f in feats) / (n or 1), sum(f.linky for f in feats) / (n or 1),
        (sum(link_vals) / (n or 1)) if known else math.nan, float(any(f.cjk for f in feats)), float(span is not None),
        float(sum(1 for h in hits if h is not None and h.kind in ("tail", "end"))), total_words / (n or 1),
    ]
    start, end = span if span else (0, 0)
    region_words = sum(words[start:end])
    inside = [(start <= i < end) if span else usable[i] for i in range(n)]
    title_text = doc.metadata.get("title")
    core, in_title = _topic(topic_words, inside, content_words(title_text, doc.language) if title_text else frozenset())
    core_known = [0.0 if v != v else v for v in core]
    core_w3 = windowed(core_known, 3).tolist()

    open_idx = [i for i, ln in enumerate(lines) if ln.kept]
    ft = first_title
    # what each line shows of its neighbours, padded with the value past the document's ends
    neighbours = [np.concatenate([[outside] * REACH, values, [outside] * REACH])
                  for values, outside in [(v, 0.0) for v in (log_words, prose, terminal, linky, list_item, rule_hit,
                                                              headline)] + [(decided, 1.0)]]
    region_share = region_words / total_words if span else 0.0

    def columns(part: list[int]) -> list:
        """The evidence of the open lines `part`, column by column in NAMES order."""
        at = np.asarray(part, dtype=np.intp)
        o_lines, o_feats, o_hits = [lines[i] for i in part], [feats[i] for i in part], [hits[i] for i in part]
        o_text = [ln.text for ln in o_lines]
        groups = [h.group if h is not None else None for h in o_hits]
        kinds = [h.kind if h is not None else None for h in o_hits]

        def of(values: list) -> np.ndarray:
            """A per-line column of the whole document, at the lines of `part`."""
            return np.asarray([values[i] for i in part], np.float64)

        if span:
            region = [[float(start <= i < end) for i in part], [float(i < start) for i in part],
                      [float(i >= end) for i in part],
                      [math.log1p(start - i if i < start else i - end + 1 if i >= end else 0) for i in part],
                      [(i - start) / max(1, end - start) if start <= i < end else 0.0 for i in part],
                      [region_share] * len(part)]
        else:
            region = [[0.0] * len(part)] * 6
        return [
            of(log_words), [math.log1p(len(t)) for t in o_text], [f.stop for f in o_feats], of(terminal), of(prose),
            of(headline), of(linky), of(list_item), [float(f.cjk) for f in o_feats], [f.numeric for f in o_feats],
            [float(f.bullets) for f in o_feats], [float(f.turn) for f in o_feats],
            [float(is_story_text(t)) for t in o_text], [float(parse_date(t) is not None) for t in o_text],
            *np.array([_shape(t) for t in o_text], np.float64).reshape(len(part), SHAPE_WIDTH).T,
            [float(ln.blank_before) for ln in o_lines], [float(first_words[_first_word(t)] > 2) for t in o_text],
            of(links), [float(known)] * len(part), [float(ln.level) for ln in o_lines],
            of(template), [math.log(site_pages) if site_pages else math.nan] * len(part),
            *([float(ln.kind == k) for ln in o_lines] for k in KINDS),
            *([float(g == rule_group) for g in groups] for rule_group in RULE_GROUPS),
            of(credit),
            [float(i + 1 < n and credit[i + 1] == 1.0 and feats[i].words <= CAPTION_MAX_WORDS) for i in part],
            [float(any(credit[max(0, i - 2):i + 3])) for i in part],
            *([float(k == kind) for k in kinds] for kind in ("field", "tail", "end")),
            of(meta), *region, of(cut), of(after_tail), of(after_end), of(tail_dist),
            [math.log1p(counts.get(keys[i], 1) - 1) if keys[i] in counts else 0.0 for i in part], of(later),
            [float(counts.get(keys[i], 0) >= 3) for i in part],
            [float(ft is not None and i < ft) for i in part], [float(ft is not None and i > ft) for i in part],
            [math.log1p(abs(i - ft)) if ft is not None else 0.0 for i in part],
            at / n, of(cum) / total_prose, (cum[-1] - np.asarray([cum[i + 1] for i in part], np.float64)) / total_prose,
            of(core), of(in_title), of(core_w3),
            *(padded[at + REACH + off] for off in (-1, 1, -2, 2) for padded in neighbours),
            *win[at].T, [math.log1p(run[i]) for i in part], *([v] * len(part) for v in page),
        ]

    # filled by chunks of rows, column by column: as Python floats, 140 figures take 4.5 KB a line
    matrix = np.empty((len(open_idx), len(NAMES)), dtype=np.float32)
    for lo in range(0, len(open_idx), ROW_CHUNK):
        part = open_idx[lo:lo + ROW_CHUNK]
        cols = columns(part)
        if len(cols) != len(NAMES):
            raise AssertionError(f"{len(cols)} columns of evidence for {len(NAMES)} names")
        for c, column in enumerate(cols):
            matrix[lo:lo + len(part), c] = column
    ids = [hits[i].id if hits[i] is not None else None for i in open_idx]
    return Evidence(matrix, open_idx, ids, span is not None, hits, feats, [topic_words[i] for i in open_idx])

