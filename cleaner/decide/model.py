"""The decision model: gradient-boosted trees over each line's evidence, in two passes.

The first pass scores every open line from its own row of evidence (`cleaner.decide.evidence`). The second
pass reads the same row plus the first pass's scores of the neighbours (a window of lines around
it, the page's mean), so that a line is judged with the lines around it: a run of junk is junk
together, a short line between two paragraphs is a subheading; and of its kin on the page (the
other lines of its shape, as the items of one list; the likely lines sharing its words). A line
is dropped when its final score says *junk* with the margin the threshold asks: when unsure, keep.

The trees are data (`line_model.npz`: each pass's node arrays), trained by ``benchmarks/train.py``
from ``../shared/eval`` with LightGBM; here they are evaluated with numpy, all trees and all lines
of a page at once, so LightGBM is not needed at run time. A dropped line is explained by the group
of evidence that weighed most against it (each split's change in score credited to its feature's
group, the Saabas attribution): ``model:outside-region``, ``model:nav-like``, ``model:after-tail``, ...
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from .evidence import FEATURES, GROUPS, KINDS, NAMES, word_share

try:  # the compiled walk (`_trees.pyx`, built on install); the numpy walk below is its reference
    from ._trees import sum_at_leaves
except ImportError:  # a source tree that was never built
    sum_at_leaves = None

MODEL_FILE = Path(__file__).with_name("line_model.npz")
ARRAYS = ("feature", "threshold", "nan_left", "left", "right", "value", "roots")  # a Forest's, as saved
PASSES = ("first", "second", "third", "fourth")  # the names of the passes' arrays in the model file
CHUNK_ROWS = 2048  # rows walked down the trees at once
SEQ_OFFSETS = (-3, -2, -1, 1, 2, 3)
SEQ_WINDOWS = (5, 15)
SEQ_HIGH = 0.5  # a first-pass probability this high: a line the first pass would keep
SEQ_FAR = 50.0  # lines: the distance to the nearest such line is capped here
KIN_NAMES = ("p_kin", "p_kin_high", "kin_lines", "p_topic")
SEQ_NAMES = (tuple(f"p{o:+d}" for o in SEQ_OFFSETS) + tuple(f"p_w{w}" for w in SEQ_WINDOWS) + ("p_self", "p_page")
             + ("p_max", "p_of_max", "p_rank", "p_q90", "p_high_share", "p_high_before", "p_high_after")
             + KIN_NAMES)
# the columns of a line's shape (as `evidence._shape_key`): the lines of a list or a menu share it
_KEY_COLUMNS = [NAMES.index(n) for n in ("terminal", "list_item", "linky")]
_KIND_COLUMNS = [NAMES.index(f"kind_{k}") for k in KINDS]
_LOG_WORDS = NAMES.index("log_words")
# how each group of evidence is named when it weighed most against a dropped line
REASONS = {"shape": "nav-like", "links": "link-text", "rule": "rule", "caption": "caption", "tail": "after-tail",
           "region": "outside-region", "duplicate": "duplicate", "title": "around-title", "position": "position",
           "context": "context", "page": "page-kind", "sequence": "context", "template": "template.site",
           "topic": "off-topic"}


@dataclass(frozen=True)
class Forest:
    """Trees flattened into arrays over all their nodes; a leaf has feature -1 and points at itself."""

    feature: np.ndarray  # int32: the column a node splits on (-1 at a leaf)
    threshold: np.ndarray  # float32: go left when x <= threshold
    nan_left: np.ndarray  # bool: where a missing value (NaN) goes
    left: np.ndarray  # int32 child indices
    right: np.ndarray
    value: np.ndarray  # float64: leaf value, or the internal value of a split node
    roots: np.ndarray  # int32: the root node of each tree
    _sums: list = field(default_factory=lambda: [None, None], repr=False, compare=False)  # path_sums' cache

    @classmethod
    def from_dump(cls, trees: list[dict]) -> Forest:
        """From LightGBM's ``dump_model()["tree_info"]``."""
        feature, threshold, nan_left, left, right, value, roots = [], [], [], [], [], [], []

        def add(node: dict) -> int:
            k = len(feature)
            feature.append(-1), threshold.append(0.0), nan_left.append(False)
            left.append(k), right.append(k)
            if "leaf_value" in node:
                value.append(node["leaf_value"])
                return k
            value.append(node.get("internal_value", 0.0))
            if node.get("decision_type", "<=") != "<=":
                raise ValueError("only numerical splits (<=) are supported")
            feature[k], threshold[k] = node["split_feature"], node["threshold"]
            # LightGBM: NaN goes the default way when missing values were seen in training ("NaN"),
            # otherwise it is read as 0.0 ("None")
            nan_left[k] = bool(node["default_left"]) if node["missing_type"] == "NaN" else 0.0 <= node["threshold"]
            left[k] = add(node["left_child"])
            right[k] = add(node["right_child"])
            return k

        for tree in trees:
            roots.append(add(tree["tree_structure"]))
        return cls(np.array(feature, np.int32), np.array(threshold, np.float64), np.array(nan_left, bool),
                   np.array(left, np.int32), np.array(right, np.int32), np.array(value, np.float64),
                   np.array(roots, np.int32))

    @cached_property
    def _steps(self) -> tuple[np.ndarray, np.ndarray]:
        """Split features as indices, and each node's children as (right, left) pairs."""
        return self.feature.astype(np.intp), np.stack([self.right, self.left], axis=1).astype(np.intp)

    @cached_property
    def _compiled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The compiled walk's arrays: split features with 0 at leaves, children as (right, left)
        pairs, and each tree's depth (the steps every row takes down it)."""
        depth = np.zeros(len(self.feature), np.int32)
        for k in range(len(self.feature)):  # parents come before their children
            if self.feature[k] >= 0:
                depth[self.left[k]] = depth[self.right[k]] = depth[k] + 1
        ends = np.append(self.roots[1:], len(self.feature))
        depths = np.array([depth[a:b].max() for a, b in zip(self.roots, ends)], np.int32)
        return np.maximum(self.feature, 0).astype(np.int32), self._steps[1].astype(np.int32), depths

    def leaves(self, x: np.ndarray) -> np.ndarray:
        """The leaf each row of `x` reaches in each tree: (rows, trees) node indices. All (row, tree)
        pairs step down together; a pair leaves the walk at its leaf."""
        feature, children = self._steps
        n, n_trees = x.shape[0], len(self.roots)
        node = np.tile(self.roots.astype(np.intp), n)
        row_start = np.repeat(np.arange(n, dtype=np.intp) * x.shape[1], n_trees)
        flat = np.ascontiguousarray(x).ravel()
        active = np.flatnonzero(feature[node] >= 0)
        while active.size:
            at = node[active]
            v = flat[row_start[active] + feature[at]]
            go_left = (v <= self.threshold[at]) | (self.nan_left[at] & np.isnan(v))
            node[active] = nxt = children[at, go_left.view(np.int8)]
            active = active[feature[nxt] >= 0]
        return node.reshape(n, n_trees)

    def score(self, x: np.ndarray, compiled: bool = True) -> np.ndarray:
        """Raw scores (log-odds) of the rows of `x` (`compiled` false: by the numpy reference walk)."""
        return self._sum_over_trees(x, self.value, compiled)

    def contributions(self, x: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """(rows, n_groups): each split's change in value credited to the group of its feature
        (Saabas), read from a table of every node's path sums."""
        return self._sum_over_trees(x, self.path_sums(groups, n_groups))

    def _sum_over_trees(self, x: np.ndarray, table: np.ndarray, compiled: bool = True) -> np.ndarray:
        """Per row of `x`, the sum over the trees of `table` at the leaf reached: compiled when it
        was built (and `compiled`), else in numpy CHUNK_ROWS rows at a time (the walk holds a few
        integers per row and tree: memory stays flat on a long page)."""
        out = np.zeros((len(x),) + table.shape[1:])
        if compiled and sum_at_leaves is not None and len(x):
            if x.dtype not in (np.float32, np.float64):
                x = x.astype(np.float64)
            feature, children, depths = self._compiled
            sum_at_leaves(np.ascontiguousarray(x), feature, self.threshold, self.nan_left.view(np.uint8), children,
                          self.roots, depths, np.ascontiguousarray(table.reshape(len(table), -1)), out.reshape(len(x), -1))
            return out
        for start in range(0, len(x), CHUNK_ROWS):
            out[start:start + CHUNK_ROWS] = table[self.leaves(x[start:start + CHUNK_ROWS])].sum(axis=1)
        return out

    def path_sums(self, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """(nodes, n_groups): for each node, the changes in value along the path from its root,
        credited to the group of the feature each step split on."""
        key = (groups.tobytes(), n_groups)
        if self._sums[0] != key:
            sums = np.zeros((len(self.feature), n_groups))
            for k in range(len(self.feature)):  # parents come before their children
                f = self.feature[k]
                if f >= 0:
                    for child in (self.left[k], self.right[k]):
                        sums[child] = sums[k]
                        sums[child, groups[f]] += self.value[child] - self.value[k]
            self._sums[:] = [key, sums]
        return self._sums[1]


@dataclass(frozen=True)
class LineModel:
    """The passes and the threshold on the final probability below which a line is dropped: the
    first pass reads the evidence rows, each later one the rows and `sequence_features` of the
    scores of the pass before."""

    first: Forest
    later: tuple[Forest, ...]
    threshold: float
    names: tuple[str, ...]

    def probabilities(self, x: np.ndarray, words: list[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
        """First-pass and final probabilities of the rows of one page (in page order), whose lines
        have the content `words` (`evidence.content_words`)."""
        p1 = p = _sigmoid(self.first.score(x))
        for forest in self.later:
            seq = sequence_features(p, x, words)
            raw = np.zeros(len(x))
            for start in range(0, len(x), CHUNK_ROWS):
                end = start + CHUNK_ROWS
                raw[start:end] = forest.score(np.hstack([x[start:end], seq[start:end]]))
            p = _sigmoid(raw)
        return p1, p

    def reasons(self, x: np.ndarray, rule_ids: list[str | None]) -> list[str]:
        """For each row, what weighed against keeping it: the rule that matched it (`rule_ids`) when
        the evidence of rules (their groups, credits, tail headings) did, else the name of the
        evidence group that weighed most."""
        groups = np.array([GROUPS.index(FEATURES[n]) for n in NAMES], np.int32)
        contrib = self.first.contributions(x, groups, len(GROUPS))
        of_rules = [GROUPS.index(g) for g in ("rule", "caption", "tail")]
        return [rule_id if rule_id and c[of_rules].sum() < 0 else REASONS.get(GROUPS[g], GROUPS[g])
                for c, g, rule_id in zip(contrib, contrib.argmin(axis=1), rule_ids)]


def sequence_features(p: np.ndarray, x: np.ndarray, words: list[frozenset[str]]) -> np.ndarray:
    """The second pass's extra columns for a page's first-pass probabilities `p` of its rows `x` (in
    line order), whose lines have the content `words`: the neighbours' at each offset (NaN past the
    page's ends), window means, its own, the page mean; then the page's best, the line's share of it
    and rank on the page, the page's 90th percentile and share of likely lines (the first pass's own
    view of the page, so that a page whose every score is low is read as such), how many lines back
    and ahead the nearest likely line is (NaN: none); then its kin (`kin_features`)."""
    return np.hstack([_neighbours(p), kin_features(p, x, words)])


def kin_features(p: np.ndarray, x: np.ndarray, words: list[frozenset[str]]) -> np.ndarray:
    """Per line, the first pass's view of its kin on the page: the mean probability and the share
    of likely lines among the other lines of its shape (NaN: none; the items of a product list are
    kept or dropped together), how many there are (log), and the share of its content words found
    in the other likely lines (NaN: it has none; a teaser of another story shares few)."""
    if not len(p):
        return np.zeros((0, len(KIN_NAMES)))
    ids = shape_keys(x)
    count = np.bincount(ids).astype(np.float64)
    likely = p >= SEQ_HIGH
    high = likely.astype(np.float64)
    others = count[ids] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        kin_p = np.where(others > 0, (np.bincount(ids, weights=p)[ids] - p) / others, np.nan)
        kin_high = np.where(others > 0, (np.bincount(ids, weights=high)[ids] - high) / others, np.nan)
    topic = word_share(words, likely.tolist())
    return np.stack([kin_p, kin_high, np.log1p(others), np.array(topic, np.float64)], axis=1)


def shape_keys(x: np.ndarray) -> np.ndarray:
    """Each row's shape (its words in steps of 3 up to 12, terminal, list item, kind, linky) as a
    small integer: rows of one shape on a page get the same."""
    words = np.minimum(np.rint(np.expm1(np.nan_to_num(x[:, _LOG_WORDS]))), 12) // 3
    kind = x[:, _KIND_COLUMNS] @ np.arange(1, len(_KIND_COLUMNS) + 1)
    combined = np.zeros(len(x), np.int64)  # the rows' ranks, column by column, as one integer:
    for column in (words, *x[:, _KEY_COLUMNS].T, kind):  # the numbering of np.unique(rows, axis=0), 3x faster
        values, rank = np.unique(column, return_inverse=True)
        combined = combined * len(values) + rank.ravel()
    return np.unique(combined, return_inverse=True)[1].ravel()


def _neighbours(p: np.ndarray) -> np.ndarray:
    """The columns of `sequence_features` read from the scores alone."""
    n = len(p)
    cols = []
    for off in SEQ_OFFSETS:
        shifted = np.full(n, np.nan)
        if off < 0 and n + off > 0:
            shifted[-off:] = p[:n + off]
        elif off > 0 and n - off > 0:
            shifted[:n - off] = p[off:]
        cols.append(shifted)
    c = np.concatenate([[0.0], np.cumsum(p)])
    idx = np.arange(n)
    for w in SEQ_WINDOWS:
        lo, hi = np.maximum(0, idx - w), np.minimum(n, idx + w + 1)
        cols.append((c[hi] - c[lo]) / np.maximum(1, hi - lo))
    cols.append(p)
    cols.append(np.full(n, p.mean() if n else 0.0))
    if not n:
        return np.zeros((0, len(SEQ_NAMES) - len(KIN_NAMES)))
    best = p.max()
    rank = np.empty(n)
    rank[p.argsort(kind="stable")] = np.arange(n) / max(1, n - 1)
    high = p >= SEQ_HIGH
    before = np.maximum.accumulate(np.where(high, idx, -1))  # the last likely line at or before each
    before = np.concatenate([[-1], before[:-1]])  # strictly before
    after = np.minimum.accumulate(np.where(high, idx, n)[::-1])[::-1]
    after = np.concatenate([after[1:], [n]])  # strictly after
    cols += [np.full(n, best), p / max(best, 1e-6), rank, np.full(n, np.quantile(p, 0.9)), np.full(n, high.mean()),
             np.where(before >= 0, np.minimum(SEQ_FAR, idx - before), np.nan),
             np.where(after < n, np.minimum(SEQ_FAR, after - idx), np.nan)]
    return np.stack(cols, axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def save(path: Path, forests: list[Forest], threshold: float, info: dict) -> None:
    """Write the passes (`forests`, the first first) as arrays (`load` reads them in milliseconds),
    with the feature names they read and `info` (how they were trained, as JSON)."""
    arrays = {f"{name}_{a}": getattr(forest, a) for name, forest in zip(PASSES, forests, strict=False)
              for a in ARRAYS}
    with open(path, "wb") as f:
        np.savez_compressed(f, names=np.array(NAMES), second_names=np.array(NAMES + SEQ_NAMES),
                            threshold=np.float64(threshold), info=np.array(json.dumps(info)), **arrays)


def read_info(path: Path = MODEL_FILE) -> dict:
    """How the model in `path` was trained (commit, pages, parameters, cross-validated scores)."""
    with np.load(path, allow_pickle=False) as data:
        return json.loads(str(data["info"]))


@lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> LineModel:
    """The shipped model; its feature names must be the code's (`evidence.NAMES`)."""
    with np.load(path, allow_pickle=False) as data:
        names, second_names = tuple(data["names"].tolist()), tuple(data["second_names"].tolist())
        if names != NAMES or second_names != NAMES + SEQ_NAMES:
            differ = sorted(set(names) ^ set(NAMES) | set(second_names) ^ set(NAMES + SEQ_NAMES))
            raise ValueError(f"{path}: the model's features differ from the code's: {differ[:10]}")
        first, *later = (Forest(*(data[f"{name}_{a}"] for a in ARRAYS)) for name in PASSES
                         if f"{name}_{ARRAYS[0]}" in data)
        return LineModel(first, tuple(later), float(data["threshold"]), NAMES)
