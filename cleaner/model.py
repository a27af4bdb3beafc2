"""The line classifier: features of a line in its context, weighed by a small logistic model.

Rules and the structural heuristics run first; the model then decides the lines nobody has
decided yet (``heuristic.line-model``), from generic features only (lengths, stopword density,
punctuation, shape, where the line sits relative to the article region and the title, and the
same for its neighbours): no words or site names, so it carries over to unseen sites and
languages. The weights are data (`line_model.json`), fitted by `benchmarks/train_line_model.py`
with cross-validation by document; a line is dropped only when the model is fairly sure.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from .document import Document
from .features import Features, is_story_text
from .metadata import parse_date

MODEL_FILE = Path(__file__).with_name("line_model.json")
MODEL_ID = "heuristic.line-model"
_UPPER_WORD = regex.compile(r"\b\p{Lu}")
_WORD = regex.compile(r"\b\w")
_DIGIT = regex.compile(r"\d")
_QUOTE = regex.compile(r"[\"“”«»„]")

NAMES = (
    "bias", "log_words", "stop", "terminal", "prose", "linky", "list_item", "title_case", "digits",
    "lower_start", "colon_end", "quote", "cjk",
    "in_region", "before_region", "after_region", "region_dist", "region_pos",
    "before_title", "after_tail", "doc_pos", "density3",
    "prev_prose", "prev_log_words", "prev_terminal", "next_prose", "next_log_words", "next_terminal",
    "prev2_prose", "next2_prose",
    "prose_in_region", "prose_after_region", "short_in_region", "short_before_region",
    "headlines_near", "decided_near", "prev_decided", "next_decided", "prev_headline",
    "has_date", "numeric", "prev_list_item",
)


@lru_cache(maxsize=1 << 16)
def _shape(text: str) -> tuple[float, float, float, float, float]:
    """Title-case share, digit share, lower-case start, ends with a colon, has quotes."""
    words = len(_WORD.findall(text)) or 1
    title = len(_UPPER_WORD.findall(text)) / words
    digits = len(_DIGIT.findall(text)) / max(1, len(text))
    return (title, digits, float(text[:1].islower()), float(text.rstrip().endswith(":")),
            float(bool(_QUOTE.search(text))))


def vectors(doc: Document, feats: list[Features], span: tuple[int, int] | None,
            tails: Iterable[int]) -> list[list[float] | None]:
    """One feature vector per line still undecided (None for lines a stage already decided).

    Without an article region (a page with no prose: a table, a list of results) the features have
    no frame of reference, so the model abstains and every line gets None: when unsure, keep.
    """
    n = len(doc.lines)
    if span is None:
        return [None] * n
    open_idx = [i for i, ln in enumerate(doc.lines) if ln.kept]
    start, end = span
    region_open_start, region_open_end = bisect.bisect_left(open_idx, start), bisect.bisect_left(open_idx, end)
    title_idx = next((i for i, ln in enumerate(doc.lines)
                      if ln.decision and ln.decision.field == "title"), -1)
    first_tail = min(tails, default=n)
    prose_words = [f.words if f.prose else 0 for f in feats]
    total_prose = sum(prose_words[i] for i in open_idx) or 1
    words = [f.words for f in feats]
    headline = [not f.prose and not f.terminal and 3 <= f.words <= 20 and _shape(ln.text)[0] >= 0.6
                for ln, f in zip(doc.lines, feats)]
    decided = [not ln.kept for ln in doc.lines]
    out: list[list[float] | None] = [None] * n
    cum = 0.0
    for k, i in enumerate(open_idx):
        f = feats[i]
        text = doc.lines[i].text

        def ctx(offset: int) -> Features | None:
            j = k + offset
            return feats[open_idx[j]] if 0 <= j < len(open_idx) else None

        prev, nxt, prev2, nxt2 = ctx(-1), ctx(1), ctx(-2), ctx(2)
        window = [open_idx[j] for j in range(max(0, k - 3), min(len(open_idx), k + 4))]
        density = sum(prose_words[j] for j in window) / max(1, sum(words[j] for j in window))
        in_region = float(start <= i < end)
        before, after = float(i < start), float(i >= end)
        # distance to the region in undecided lines (0 inside it)
        dist = float(region_open_start - k if before else k - region_open_end + 1 if after else 0)
        region_pos = (i - start) / max(1, end - start) if in_region else 0.0
        short = float(f.words < 4)
        title, digits, lower, colon, quote = _shape(text)
        out[i] = [
            1.0, math.log1p(f.words), f.stop, float(f.terminal), float(f.prose), float(f.linky),
            float(f.list_item), title, digits, lower, colon, quote, float(f.cjk),
            in_region, before, after, math.log1p(dist), region_pos,
            float(i < title_idx), float(i > first_tail), cum / total_prose, density,
            float(bool(prev and prev.prose)), math.log1p(prev.words) if prev else 0.0, float(bool(prev and prev.terminal)),
            float(bool(nxt and nxt.prose)), math.log1p(nxt.words) if nxt else 0.0, float(bool(nxt and nxt.terminal)),
            float(bool(prev2 and prev2.prose)), float(bool(nxt2 and nxt2.prose)),
            float(f.prose) * in_region, float(f.prose) * after, short * in_region, short * before,
            sum(headline[j] for j in window) / len(window),
            sum(decided[max(0, i - 3):i + 4]) / len(decided[max(0, i - 3):i + 4]),
            float(i > 0 and decided[i - 1]), float(i + 1 < n and decided[i + 1]),
            float(k > 0 and headline[open_idx[k - 1]]),
            float(parse_date(text) is not None), f.numeric, float(bool(prev and prev.list_item)),
        ]
        cum += prose_words[i]
    return out


@dataclass(frozen=True)
class LineModel:
    """Logistic weights over standardised features ((x - mean) / scale), and the drop threshold."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    _raw: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _offset: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the standardisation folded into the weights once: z = offset + sum(raw_weight * x)
        raw = tuple(w / s for w, s in zip(self.weights, self.scale))
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_offset", -sum(r * m for r, m in zip(raw, self.mean)))

    def probability(self, vec: list[float]) -> float:
        z = self._offset + sum(r * x for r, x in zip(self._raw, vec))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> LineModel:
    """The shipped model (weights over `NAMES`, standardisation, and the drop threshold)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["names"]) != NAMES:
        raise ValueError(f"{path}: model features {data['names']} do not match the code's {NAMES}")
    return LineModel(tuple(data["weights"]), tuple(data["mean"]), tuple(data["scale"]), float(data["threshold"]))


def classify(doc: Document, feats: list[Features], span: tuple[int, int] | None, tails: Iterable[int],
             model: LineModel | None = None) -> None:
    """Drop the undecided lines the model judges to be boilerplate, except the paragraphs that
    belong to the story whatever surrounds them (`is_story_text`: a lede opening with a place line,
    an editor's note; captions or links around them can make them look like junk)."""
    model = model or load()
    for line, vec in zip(doc.lines, vectors(doc, feats, span, tails)):
        if vec is not None and model.probability(vec) < model.threshold and not is_story_text(line.text):
            line.drop(MODEL_ID)
