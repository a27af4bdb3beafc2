"""The headline of a scraped page: one learned score per candidate line, the best candidate taken.

Candidates are the lines still open before the article body (the densest run of prose) that
are neither prose, nor a list's item, nor a picture's caption: the body is never searched, nor a
paragraph taken, nor an item of a menu or a recipe's ingredients (of 6,572 pages of wcxb and daniel
in three renderings, 20 had their title only as a list item). Each gets a row of `NAMES` figures: its
shape (words, a headline's form, a date, a byline or a time, sentence punctuation, a Markdown
heading's level), where it sits (lines and headline-like lines between it and the body, its place
on the page), how many of its words the body and the lede repeat (a headline's words come back in the story; an image's alt text or a
newsletter box's do not), and whether the page prints it twice. A small forest of boosted trees
(`title_model.npz`, trained by ``benchmarks/train_titles.py`` on the titles of wcxb's and
daniel's pages) scores them; the best is the title when its probability reaches the model's
threshold (chosen where a wrong title, a line lifted out of the text, costs as much as a right one
gains), otherwise the page has no title guess.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import regex

from ..document import Document
from .features import Features
from .metadata import LETTER, UPPER, is_headline, not_title, parse_date
from .normalize import comparison_key

if TYPE_CHECKING:
    from .model import Forest
    from .rules import Rule, RuleSet

MODEL_FILE = Path(__file__).with_name("title_model.npz")
MAX_BEFORE = 200  # open lines before the body that are candidates, nearest first
MAX_WORDS = 40  # longer lines are paragraphs, not headlines
LEDE = 3  # the body's first prose lines whose words a headline shares
_SEPARATOR = regex.compile(r"\s[|–—:·•-]\s|\s::\s")  # "Story | Site", "Site - Story"
_TITLE_CASE = regex.compile(r"(?<!\w)\p{Lu}")

NAMES = ("words", "log_chars", "headline", "not_title", "has_date", "terminal", "linky", "level",
         "heading", "cjk", "upper_share", "capitalized_share", "separator", "log_before",
         "log_open_between", "headlines_between", "position", "log_index", "first_open", "body_share",
         "lede_share", "repeats", "words_vs_best", "next_prose", "prev_prose", "blank_before", "numeric",
         "log_body_lines", "next_rule")


@dataclass(frozen=True)
class TitleModel:
    """Boosted trees scoring each candidate line, and the probability the best one needs."""

    forest: Forest
    threshold: float  # the probability the best candidate needs

    def best(self, x: np.ndarray) -> int | None:
        """The row of the likeliest title among the candidates' rows `x`, if likely enough."""
        z = self.forest.score(x)
        k = int(np.argmax(z))
        return k if self.threshold <= 0 or z[k] >= math.log(self.threshold / (1 - self.threshold)) else None


@lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> TitleModel:
    """The shipped title model; its feature names must be the code's (`NAMES`)."""
    from .model import ARRAYS, Forest  # (the model module reads the evidence, which reads the titles)
    with np.load(path, allow_pickle=False) as data:
        names = tuple(data["names"].tolist())
        if names != NAMES:
            raise ValueError(f"{path}: the title model's features differ from the code's: "
                             f"{sorted(set(names) ^ set(NAMES))[:10]}")
        threshold = float(data["min_probability"])
        if not 0 <= threshold < 1:
            raise ValueError(f"{path}: the title model's threshold {threshold} is not a probability below 1")
        return TitleModel(Forest(*(data[a] for a in ARRAYS)), threshold)


def save(path: Path, forest: Forest, threshold: float, info: dict) -> None:
    """Write the trees as arrays, with the feature names they read and `info` (how they were trained)."""
    from .model import ARRAYS
    with open(path, "wb") as f:
        np.savez_compressed(f, names=np.array(NAMES), min_probability=np.float64(threshold), info=np.array(json.dumps(info)),
                            **{a: getattr(forest, a) for a in ARRAYS})


def candidates(doc: Document, feats: list[Features], hits: list[Rule | None], span: tuple[int, int] | None,
               usable: list[bool], topic: list[frozenset[str]], keys: list[str],
               headlines: list[bool]) -> tuple[list[int], np.ndarray]:
    """The candidate lines (indices into `doc.lines`) and their rows. `hits` are the lines' rule
    matches, `span` the article body (None: no body, no candidate), `usable` the lines no decision
    took yet, `topic` each line's content words, `keys` their `comparison_key`s, `headlines` which
    read like a headline (`metadata.is_headline`)."""
    if span is None:
        return [], np.zeros((0, len(NAMES)))
    start, end = span
    lines = doc.lines
    before = [i for i in range(start - 1, -1, -1) if usable[i]][:MAX_BEFORE]
    picked = [i for i in sorted(before) if 0 < feats[i].words <= MAX_WORDS and not feats[i].prose
              and not feats[i].list_item and lines[i].kind != "item" and not _caption(hits, i)]
    if not picked:
        return [], np.zeros((0, len(NAMES)))
    body = set().union(*topic[start:end])
    lede_lines = [i for i in range(start, end) if feats[i].prose][:LEDE]
    lede = set().union(*(topic[i] for i in lede_lines)) if lede_lines else set()
    copies = Counter(keys)
    open_before = np.cumsum([0] + [int(usable[i]) for i in range(start)])
    headline = [usable[i] and headlines[i] for i in range(start)]
    headlines_before = np.cumsum([0] + [int(h) for h in headline])
    best_words = max((feats[i].words for i in picked if headline[i]), default=0) or 1
    n = len(lines)
    first_open = next((i for i in range(n) if usable[i]), -1)
    rows = []
    for i in picked:
        ln, f, text = lines[i], feats[i], lines[i].text
        words = topic[i]
        letters = len(LETTER.findall(text)) or 1
        tokens = text.split()
        nxt = next((j for j in range(i + 1, min(n, i + 4)) if usable[j]), None)
        prv = next((j for j in range(i - 1, max(-1, i - 4), -1) if usable[j]), None)
        rows.append([
            f.words, math.log1p(len(text)), float(headline[i]), float(not_title(text)),
            float(parse_date(text) is not None), float(text.rstrip()[-1:] in ".:;,。．!?"), float(f.linky),
            float(ln.level if ln.kind == "heading" else 0), float(ln.kind == "heading"), float(f.cjk),
            len(UPPER.findall(text)) / letters,
            sum(1 for t in tokens if _TITLE_CASE.match(t)) / (len(tokens) or 1), float(bool(_SEPARATOR.search(text))),
            math.log1p(start - i - 1), math.log1p(open_before[start] - open_before[i + 1]),
            float(headlines_before[start] - headlines_before[i + 1]),
            i / n, math.log1p(i), float(i == first_open),
            sum(1 for w in words if w in body) / len(words) if words else math.nan,
            len(words & lede) / len(words) if words else math.nan,
            float(copies[keys[i]] - 1), f.words / best_words,
            float(nxt is not None and feats[nxt].prose), float(prv is not None and feats[prv].prose),
            float(ln.blank_before), f.numeric, math.log1p(end - start),
            float(i + 1 < n and hits[i + 1] is not None),
        ])
    return picked, np.asarray(rows, np.float64)


def _caption(hits: list[Rule | None], i: int) -> bool:
    """Line `i` is a picture's caption: a photo credit follows it (of the candidates a credit
    follows on wcxb and daniel, 16 were the title and 310 were not)."""
    return i + 1 < len(hits) and hits[i + 1] is not None and hits[i + 1].kind == "credit"


def page_candidates(doc: Document, rules: RuleSet) -> tuple[list[int], np.ndarray]:
    """The candidates of a page as the text path sees them before it decides (for training and tests)."""
    from .evidence import structure  # (the evidence reads the titles)
    feats, hits, usable, span, topic = structure(doc, rules)
    return candidates(doc, feats, hits, span, usable, topic, [comparison_key(ln.text) for ln in doc.lines],
                      [is_headline(ln, f) for ln, f in zip(doc.lines, feats)])


def best_title(doc: Document, feats: list[Features], hits: list[Rule | None], span: tuple[int, int] | None,
               usable: list[bool], topic: list[frozenset[str]], keys: list[str], headlines: list[bool]) -> str | None:
    """The text of the likeliest headline, or None (no body, or no candidate likely enough)."""
    picked, x = candidates(doc, feats, hits, span, usable, topic, keys, headlines)
    if not picked:
        return None
    k = load().best(x)
    return None if k is None else doc.lines[picked[k]].text
