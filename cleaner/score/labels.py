"""Line labels for training and checking: which lines of a rendering hold the ground truth's text.

The truth is a text (the main content, as a benchmark gives it); a rendering is cut into lines by
the pipeline. A line is *main content* when its words are the truth's words at the place where the
rendering's order puts them:

1. a line of three or more tokens is a candidate when most of its token trigrams are in the truth,
   placed where most of them agree it starts (each found trigram votes ``truth position - position
   in the line``); a shorter line is a candidate wherever its tokens are a whole line of the truth,
   or start or end one (a heading, a label, a short answer);
2. the candidates that keep the truth's order without overlapping and weigh the most (a heaviest
   chain; a line weighs its matched tokens, less its unmatched ones) are main content. A copy of a
   truth paragraph elsewhere (a teaser repeating the lede, a caption printed twice, a product name
   under its image) falls out of the chain, as does a menu word that happens to be in the truth.

Tokens are the benchmark's (``\\w+`` of Python's `re`), so the labels say which lines the metric
wants. Keeping exactly the labelled lines is the *line oracle*: the ceiling of any line-by-line
decision, and a check of the alignment itself.

    >>> truth = "The council met on Monday to vote on the budget.\\n\\nBudget\\n\\nIt passed by six votes to three."
    >>> lines = ["Home | News | Budget", "Budget", "The council met on Monday to vote on the budget.",
    ...          "Budget", "It passed by six votes to three.", "Read more: the budget in full"]
    >>> align(truth, lines)
    [False, False, True, True, True, False]
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

TOKEN = re.compile(r"\w+")
GRAM = 3
MIN_SHARE = 0.5  # a long line is a candidate when at least this share of its trigrams is in the truth
OVERLAP = 2  # tokens two chained lines may overlap in the truth (a word repeated across a cut)
MAX_PLACES = 50  # places a short line or a trigram is looked up at (a word repeated more says nothing)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def align(truth: str, lines: Sequence[str]) -> list[bool]:
    """For each line, whether it holds the truth's text at its place (see the module docstring)."""
    ttoks = tokens(truth)
    if not ttoks:
        return [False] * len(lines)
    grams: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(len(ttoks) - GRAM + 1):
        grams[tuple(ttoks[i:i + GRAM])].append(i)
    short = _short_places(truth, ttoks)
    cands: list[tuple[int, int, int, int]] = []  # (line, start, end, weight)
    for k, line in enumerate(lines):
        toks = tokens(line)
        if len(toks) >= GRAM:
            cands.extend(_long_candidate(k, toks, grams))
        elif toks:
            cands.extend((k, s, s + len(toks), len(toks)) for s in short.get(tuple(toks), ())[:MAX_PLACES])
    labels = [False] * len(lines)
    for k in _heaviest_chain(cands):
        labels[k] = True
    return labels


def _long_candidate(k: int, toks: list[str], grams: dict[tuple[str, ...], list[int]]) -> list[tuple[int, int, int, int]]:
    """Line `k` placed where most of its found trigrams agree, weighted by found less missing trigrams."""
    n = len(toks) - GRAM + 1
    votes: Counter[int] = Counter()
    hits = 0
    for off in range(n):
        places = grams.get(tuple(toks[off:off + GRAM]))
        if places:
            hits += 1
            votes.update(p - off for p in places[:MAX_PLACES])
    if hits < MIN_SHARE * n:
        return []
    start = votes.most_common(1)[0][0]
    return [(k, start, start + len(toks), 2 * hits - n + GRAM - 1)]


def _short_places(truth: str, ttoks: list[str]) -> dict[tuple[str, ...], list[int]]:
    """Token sequences of one or two tokens that are a whole truth line or start or end one, with
    the positions (in `ttoks`) where they do."""
    places: dict[tuple[str, ...], list[int]] = defaultdict(list)
    pos = 0
    for line in truth.splitlines():
        toks = tokens(line)
        if not toks:
            continue
        n = len(toks)
        for size in range(1, GRAM):
            if size <= n:
                places[tuple(toks[:size])].append(pos)
                if n > size:
                    places[tuple(toks[-size:])].append(pos + n - size)
        pos += n
    return places


def _heaviest_chain(cands: list[tuple[int, int, int, int]]) -> set[int]:
    """The lines of the heaviest chain of candidates (given in line order) in which each one starts
    no earlier than the previous one ends (less `OVERLAP`), one candidate per line at most:
    a weighted longest increasing subsequence over a Fenwick tree of chain ends."""
    if not cands:
        return set()
    ends = sorted({e for _, _, e, _ in cands})
    size = len(ends)
    tree_w, tree_c = [0] * (size + 1), [-1] * (size + 1)
    total, prev = [0] * len(cands), [-1] * len(cands)
    c = 0
    while c < len(cands):
        line = cands[c][0]
        group = range(c, next((j for j in range(c, len(cands)) if cands[j][0] != line), len(cands)))
        for j in group:  # a line's candidates read the tree before any of them is written to it
            _, start, _, weight = cands[j]
            r = bisect.bisect_right(ends, start + OVERLAP)
            best, best_c = 0, -1
            while r > 0:
                if tree_w[r] > best:
                    best, best_c = tree_w[r], tree_c[r]
                r -= r & -r
            total[j], prev[j] = best + weight, best_c
        for j in group:
            r = bisect.bisect_left(ends, cands[j][2]) + 1
            while r <= size:
                if total[j] > tree_w[r]:
                    tree_w[r], tree_c[r] = total[j], j
                r += r & -r
        c = group.stop
    c = max(range(len(cands)), key=total.__getitem__)
    out = set()
    while c != -1:
        out.add(cands[c][0])
        c = prev[c]
    return out


def oracle_text(lines: Sequence[str], labels: Sequence[bool]) -> str:
    """The text of the labelled lines: what a perfect line-by-line decision keeps."""
    return "\n\n".join(line for line, keep in zip(lines, labels) if keep)

