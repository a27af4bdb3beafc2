"""The accuracy metric: token shingles against a ground-truth article body.

The same metric as the ScrapingHub article-extraction benchmark (and ``../shared/eval/score.py``):

* tokens are the ``\\w+`` matches of Python's ``re`` (Unicode, case kept);
* a text is the multiset of its 4-token shingles; a text of 1-3 tokens is one shingle of all its
  tokens; an empty text has none;
* per document: tp = shared shingles (multiset minimum), fp = predicted surplus, fn = missing;
  precision = tp/(tp+fp), recall = tp/(tp+fn), both 1.0 when fp == fn == 0;
* corpus precision = mean of per-document precision over documents whose prediction has shingles
  (an empty output is left out of precision and only costs recall); corpus recall = mean over
  documents whose truth has shingles; corpus F1 = harmonic mean of those two means.

Extra figures: *wf1* (WCXB's metric: per-document F1 of the bags of lower-cased words, an empty
output scoring 0, averaged over documents), *junk kept* (share of output tokens, as a multiset, absent from the truth; mean over
documents with output), *body lost* (share of truth tokens absent from the output; mean over
documents with a truth), *empty* (documents with no output tokens) and the per-document F1.

    >>> s = score_doc("The talks went on late into the night.", "The talks went on late into the night.")
    >>> s.precision, s.recall, s.f1
    (1.0, 1.0, 1.0)
    >>> summarize([s, score_doc("Some body text here today.", "")]).recall
    0.5
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from statistics import mean
from typing import Any

# The stdlib `re`, not `regex`: their \w differ on combining marks, and the benchmark uses `re`.
TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokens(text: str) -> list[str]:
    """The ``\\w+`` tokens of `text`, in order."""
    return TOKEN.findall(text)


def shingles(toks: Sequence[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of `n`-token windows; fewer than `n` tokens make one shingle, none make none."""
    if not toks:
        return Counter()
    if len(toks) <= n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class DocScore:
    """The figures of one document; None where a ratio is undefined (nothing to divide by)."""

    tp: int
    fp: int
    fn: int
    precision: float | None
    recall: float | None
    f1: float | None
    wf1: float
    junk: float | None
    lost: float | None
    truth_tokens: int
    pred_tokens: int

    @property
    def empty(self) -> bool:
        """The prediction has no tokens at all."""
        return self.pred_tokens == 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "empty": self.empty}


def score_doc(truth: str, pred: str) -> DocScore:
    """Score one prediction against its truth."""
    tt, pt = tokens(truth), tokens(pred)
    ts, ps = shingles(tt), shingles(pt)
    tp = sum((ts & ps).values())
    fp, fn = sum(ps.values()) - tp, sum(ts.values()) - tp
    if fp == 0 and fn == 0:
        prec = rec = 1.0 if tp else None
    else:
        prec, rec = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = None if prec is None and rec is None else _f1(prec or 0.0, rec or 0.0)
    common = sum((Counter(tt) & Counter(pt)).values())
    return DocScore(tp, fp, fn, prec, rec, f1, _word_f1(tt, pt), junk=_ratio(len(pt) - common, len(pt)),
                    lost=_ratio(len(tt) - common, len(tt)), truth_tokens=len(tt), pred_tokens=len(pt))


def _word_f1(truth: list[str], pred: list[str]) -> float:
    """WCXB's per-document F1 over bags of lower-cased words (1.0 when both are empty, 0.0 when one is)."""
    if not truth or not pred:
        return float(not truth and not pred)
    overlap = sum((Counter(t.lower() for t in truth) & Counter(t.lower() for t in pred)).values())
    return _f1(overlap / len(pred), overlap / len(truth))


def _mean(values: Iterable[float | None]) -> float:
    """Mean of the defined values; 0.0 when there are none."""
    defined = [v for v in values if v is not None]
    return mean(defined) if defined else 0.0


@dataclass(frozen=True)
class Summary:
    """Corpus figures: benchmark precision, recall and F1 (of the two means), mean per-document F1
    (an undefined F1 counts as 0), mean junk kept and body lost, empty outputs, documents."""

    precision: float
    recall: float
    f1: float
    f1_doc: float
    wf1: float
    junk: float
    lost: float
    empty: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(docs: Sequence[DocScore]) -> Summary:
    """Aggregate per-document scores into the corpus figures."""
    p, r = _mean(d.precision for d in docs), _mean(d.recall for d in docs)
    return Summary(p, r, _f1(p, r), f1_doc=_mean(d.f1 or 0.0 for d in docs),
                   wf1=_mean(d.wf1 for d in docs),
                   junk=_mean(d.junk for d in docs), lost=_mean(d.lost for d in docs),
                   empty=sum(d.empty for d in docs), n=len(docs))


def score_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[Summary, list[DocScore]]:
    """Score (truth, prediction) pairs: the corpus summary and the per-document scores."""
    docs = [score_doc(truth, pred) for truth, pred in pairs]
    return summarize(docs), docs


def worst(scores: dict[str, DocScore], n: int) -> list[tuple[str, DocScore]]:
    """The `n` documents with the lowest F1 (ties by name); documents with no F1 (empty truth and
    empty output, nothing to get wrong) come last."""
    ranked = sorted(scores.items(), key=lambda kv: (kv[1].f1 is None, kv[1].f1 or 0.0, kv[0]))
    return ranked[:n]


def _fig(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def worst_table(rows: Sequence[tuple[str, DocScore]]) -> str:
    """Documents as a plain-text table: F1, precision, recall, junk kept, body lost, name."""
    lines = ["   F1      P      R   junk   lost  document"]
    lines += ["  ".join([_fig(s.f1), _fig(s.precision), _fig(s.recall), _fig(s.junk), _fig(s.lost), name])
              for name, s in rows]
    return "\n".join(lines)
