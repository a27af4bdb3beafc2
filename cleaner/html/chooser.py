"""Choose, per page, the best of several candidate extractions, by a small learned model.

Each candidate text is described by generic features: its length (alone, against the longest
candidate and against the page's visible text), its prose share (words on long lines that end like
sentences), its link share (words on lines that are the text of a link of the page), its line
length, how much of it the other candidates also extracted and how much of theirs it holds, and
a few hints about the page (its link density, whether it declares itself a product, a forum
thread or an article). A boosted ensemble of small regression trees (cleaner/html/html_chooser.json,
trained by benchmarks/train_html_chooser.py) predicts each candidate's F1 from them; the
candidate with the highest prediction is chosen. `fill_gaps` then puts back the lines another
extractor found between two lines that follow each other in the chosen text (an embedded post or
a quote readability left out of an article).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import regex

MODEL = Path(__file__).with_name("html_chooser.json")
SHINGLE = 4
PROSE_WORDS = 10  # a line of at least this many words that ends like a sentence is prose
_WORD = regex.compile(r"\w+")
_SENTENCE_END = regex.compile(r"[.!?。！？…:;\"'”’»)]\s*$")
_SPACE = regex.compile(r"\s+")


@dataclass(frozen=True)
class PageHints:
    """What the page itself says, read from its tree (the same for every candidate)."""

    visible_words: int = 0
    link_words: int = 0
    anchors: frozenset[str] = frozenset()
    schema: frozenset[str] = frozenset()  # e.g. "product", "forum", "article", "qa"
    og_article: bool = False

    @property
    def link_density(self) -> float:
        return self.link_words / self.visible_words if self.visible_words else 0.0


def _key(text: str) -> str:
    """A line or link text as compared: lower-cased, blanks collapsed."""
    return _SPACE.sub(" ", text).strip().lower()


_SCHEMA_KINDS = (("product", ("Product", "Offer")), ("forum", ("DiscussionForumPosting", "Comment")),
                 ("qa", ("QAPage", "Question", "Answer")),
                 ("article", ("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle")),
                 ("listing", ("ItemList", "CollectionPage", "SearchResultsPage")))


def page_hints(tree, visible: str) -> PageHints:
    """The hints of a page parsed by `extractors.parse` (None: no hints), `visible` its visible text."""
    if tree is None:
        return PageHints(visible_words=len(_WORD.findall(visible)))
    anchors, link_words = set(), 0
    for a in tree.iter("a"):
        text = _key(a.text_content())
        if text:
            anchors.add(text)
            link_words += len(_WORD.findall(text))
    declared = " ".join(s.text or "" for s in tree.iter("script") if "ld+json" in (s.get("type") or ""))
    declared += " " + " ".join(el.get("itemtype") or "" for el in tree.xpath("//*[@itemtype]"))
    schema = frozenset(kind for kind, names in _SCHEMA_KINDS if any(f'"{n}"' in declared or f"/{n}" in declared
                                                                      for n in names))
    og = any((m.get("content") or "").lower() == "article" for m in tree.xpath('//meta[@property="og:type"]'))
    return PageHints(len(_WORD.findall(visible)), link_words, frozenset(anchors), schema, og)


def _shingles(words: list[str]) -> frozenset[tuple[str, ...]]:
    """The distinct 4-word shingles of a text (one of all its words when it is shorter)."""
    if len(words) <= SHINGLE:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def features(candidates: dict[str, str], hints: PageHints) -> dict[str, dict[str, float]]:
    """Every candidate's features, by name (see the module docstring)."""
    tokens = {text: _WORD.findall(text) for text in set(candidates.values())}
    words = {name: tokens[text] for name, text in candidates.items()}
    # candidates often agree word for word, and line for line: their shingles and lines are read once
    distinct = {text: _shingles(toks) for text, toks in tokens.items()}
    grams = {name: distinct[text] for name, text in candidates.items()}
    seen: dict[str, tuple[int, bool, bool]] = {}

    def line(ln: str) -> tuple[int, bool, bool]:
        """A line's words, whether it is prose, whether it is the text of a link of the page."""
        if ln not in seen:
            count = len(_WORD.findall(ln))
            seen[ln] = (count, count >= PROSE_WORDS and _SENTENCE_END.search(ln) is not None, _key(ln) in hints.anchors)
        return seen[ln]

    shared: dict[tuple[str, str], int] = {}  # shingles two candidates' texts share, each pair once
    for a, b in combinations(distinct, 2):
        shared[a, b] = shared[b, a] = len(distinct[a] & distinct[b])

    def overlap(a: str, b: str) -> float:
        """The share of candidate `a`'s shingles that candidate `b` also holds (0 when `a` has none)."""
        mine, theirs = candidates[a], candidates[b]
        size = len(grams[a])
        return (size if mine == theirs else shared[mine, theirs]) / size if size else 0.0

    longest = max((len(w) for w in words.values()), default=0)
    out = {}
    for name, text in candidates.items():
        lines = [line(ln) for ln in text.splitlines() if ln.strip()]
        n = len(words[name])
        prose = sum(count for count, is_prose, _ in lines if is_prose)
        linked = sum(count for count, _, is_link in lines if is_link)
        others = [o for o in candidates if o != name and words[o]]
        held = [overlap(name, o) for o in others]   # of this text, the share others hold
        holds = [overlap(o, name) for o in others]  # of the others' texts, the share it holds
        out[name] = {
            "log_words": math.log1p(n),
            "of_longest": n / longest if longest else 0.0,
            "of_visible": n / hints.visible_words if hints.visible_words else 0.0,
            "lines": math.log1p(len(lines)),
            "words_per_line": n / len(lines) if lines else 0.0,
            "prose": prose / n if n else 0.0,
            "linked": linked / n if n else 0.0,
            "held_mean": sum(held) / len(held) if held else 0.0,
            "held_min": min(held, default=0.0),
            "holds_mean": sum(holds) / len(holds) if holds else 0.0,
            "holds_max": max(holds, default=0.0),
            "page_link_density": hints.link_density,
            "page_log_words": math.log1p(hints.visible_words),
            "page_og_article": float(hints.og_article),
            **{f"page_{kind}": float(kind in hints.schema) for kind, _ in _SCHEMA_KINDS},
        }
    return out


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _tree_value(tree: list, x: list[float]) -> float:
    """A regression tree as nested lists: a leaf is ``[value]``, a split ``[feature, threshold, left, right]``."""
    while len(tree) == 4:
        tree = tree[2] if x[tree[0]] <= tree[1] else tree[3]
    return tree[0]


def predict(model: dict, name: str, feats: dict[str, float]) -> float:
    """The model's predicted F1 of the candidate `name` with features `feats`."""
    x = [feats.get(f, 0.0) for f in model["features"]] + [float(name == c) for c in model["candidates"]]
    return model["base"] + model["rate"] * sum(_tree_value(t, x) for t in model["trees"])


def choose(candidates: dict[str, str], hints: PageHints, model: dict | None = None) -> str:
    """The name of the candidate the model predicts best (ties: the first named); empty ones lose."""
    model = model or load_model()
    feats = features(candidates, hints)
    scored = [(predict(model, name, feats[name]) if text.strip() else -1.0, -i, name)
              for i, (name, text) in enumerate(candidates.items())]
    return max(scored)[2]


def fill_gaps(chosen: str, other: str) -> str:
    r"""`chosen` with the lines of `other` that sit between two of its lines which follow each other
    in `chosen` too, put back in their place.

    >>> fill_gaps("Intro.\nOutro.", "Menu\nIntro.\nThe embedded post.\nOutro.\nFooter")
    'Intro.\nThe embedded post.\nOutro.'
    """
    lines = chosen.splitlines()
    where: dict[str, int] = {}
    for i, line in enumerate(lines):
        where.setdefault(_key(line), i)
    inserts: dict[int, list[str]] = defaultdict(list)
    last, run = None, []
    for line in other.splitlines():
        i = where.get(_key(line))
        if i is None:
            run.append(line)
            continue
        if last is not None and run and i == last + 1:
            inserts[last].extend(run)
        last, run = i, []
    return "\n".join(x for i, line in enumerate(lines) for x in (line, *inserts.get(i, ())))
