#!/usr/bin/env python3
"""Train and validate the decision model (cleaner/decide/line_model.npz) on every corpus of ../shared/eval.

    python benchmarks/train.py                 # cross-validate, print the tables, write nothing
    python benchmarks/train.py --write         # also train on everything and write the model
    python benchmarks/train.py --models logistic trees passes   # compare model families
    python benchmarks/train.py --holdout site corpus --without in_region region_pos   # an ablation

Needs the training extra (``pip install '.[train]'``: LightGBM, scikit-learn) and the corpora
(``python ../shared/eval/unpack.py``). Rows come from `linedata` (cached per code version).

Validation that predicts unseen pages:
* **k-fold by site**: pages are split into folds by their site (daniel has dozens of pages per site),
  all renderings of a page in the same fold; each fold is scored by a model trained on the others;
* **leave one corpus out**: train on two corpora, score the third.
Scores are the benchmark's F1 of the kept lines' text against the truth (through
`cleaner.score.evaluate`), per corpus and rendering, per wcxb page type and daniel language, with junk
and lost; daniel is scored against its truth as given (with the title, which cleaner lifts into
its field) and without the title line. A site fold is kept with the threshold chosen on the other folds'
out-of-fold scores; leave-one-corpus-out and the shipped model use the one chosen on all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[0:0] = [str(ROOT), str(ROOT / "benchmarks")]

import linedata  # noqa: E402
from cleaner.score.evaluate import TOKEN, score_doc, summarize  # noqa: E402
from cleaner.decide.evidence import NAMES, content_words  # noqa: E402
from cleaner.decide.features import line_features  # noqa: E402
from cleaner.decide.heuristics import too_little  # noqa: E402
from cleaner.decide.model import MODEL_FILE, Forest, save, sequence_features  # noqa: E402

K = 5
THRESHOLDS = np.round(np.arange(0.15, 0.66, 0.025), 3)
PARAMS = {"objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 200,
          "feature_fraction": 0.5, "bagging_fraction": 0.5, "bagging_freq": 1, "lambda_l2": 1.0,
          "verbose": -1, "num_threads": 1, "seed": 1, "max_bin": 63, "force_col_wise": True}
# one thread: on a shared machine OpenMP threads that wait for each other run several times slower
ROUNDS = 150
INNER = 2  # folds that make a pass's out-of-fold scores the next pass learns from
PASSES = 2  # passes of trees (--passes)
FITS = 2  # boosters of different seeds averaged in each pass (--fits; the shipped model: 2)


def fold_of(page: linedata.Page, k: int = K) -> int:
    return int(hashlib.sha1(f"{page.corpus}/{page.site}".encode()).hexdigest(), 16) % k


CORPUS_POWER = 0.0  # (default of --corpus-power) a corpus of n pages weighs n ** CORPUS_POWER in all (0: corpora alike, 1: pages alike)


def weights(pages: list[linedata.Page]) -> np.ndarray:
    """Each page of a corpus weighs the same (the benchmark averages over pages), its lines by their
    tokens; corpora weigh by a power of their size, so that 92 pages of one are not drowned by 1,427
    of another."""
    sizes = Counter(p.corpus for p in pages)
    out = []
    for p in pages:
        t = np.maximum(1, p.tokens).astype(np.float64)
        share = sizes[p.corpus] ** CORPUS_POWER / sizes[p.corpus]
        out.append(t / t.sum() * share if len(t) else t)
    w = np.concatenate(out) if out else np.zeros(0)
    return w * (len(w) / max(1e-9, w.sum()))


def stack(pages: list[linedata.Page]) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([p.x for p in pages]), np.concatenate([p.y for p in pages])


# ---------------------------------------------------------------- model families

class Logistic:
    """L2 logistic regression over standardised features (NaN read as 0 with an indicator)."""

    name = "logistic"

    def fit(self, pages):
        from sklearn.linear_model import LogisticRegression
        x, y = stack(pages)
        x = self._prep(x, fit=True)
        self.m = LogisticRegression(C=1.0, max_iter=300).fit(x, y, sample_weight=weights(pages))
        return self

    def _prep(self, x, fit=False):
        nan = np.isnan(x)
        x = np.where(nan, 0.0, x)
        if fit:
            self.mu, self.sd = x.mean(0), x.std(0) + 1e-6
        return np.hstack([(x - self.mu) / self.sd, nan.any(1, keepdims=True)])

    def predict(self, pages):
        return [self.m.predict_proba(self._prep(p.x))[:, 1] if len(p.y) else np.zeros(0) for p in pages]


class Trees:
    """One pass of gradient-boosted trees over the evidence rows: FITS boosters of different seeds
    (their rows and features sampled differently), whose raw scores are averaged."""

    name = "trees"

    def __init__(self, rounds: int | None = None, params: dict | None = None):
        self.rounds, self.params = rounds or ROUNDS, {**PARAMS, **(params or {})}

    def fit(self, pages, extra=None):
        import lightgbm as lgb
        if extra is None:  # rows binned once for all pages; a fit takes its pages' subset
            data = binned(self.params).subset(rows_of(pages))
        else:
            x, y = stack(pages)
            data = lgb.Dataset(np.hstack([x, np.vstack(extra)]), y, weight=weights(pages),
                               params={"max_bin": self.params["max_bin"]})
        self.boosters = [lgb.train({**self.params, "seed": self.params["seed"] + k}, data, self.rounds)
                         for k in range(FITS)]
        return self

    def predict(self, pages, extra=None):
        out = []
        for i, p in enumerate(pages):
            x = p.x if extra is None else np.hstack([p.x, extra[i]])
            raw = np.mean([b.predict(x, raw_score=True) for b in self.boosters], axis=0) if len(x) else np.zeros(0)
            out.append(1.0 / (1.0 + np.exp(-raw)))
        return out

    def trees(self) -> list[dict]:
        """The boosters' trees as one LightGBM dump, every value divided by FITS: their sum is the
        mean of the boosters' raw scores."""
        def scaled(node: dict) -> dict:
            node = dict(node)
            for key in ("leaf_value", "internal_value"):
                if key in node:
                    node[key] /= len(self.boosters)
            for key in ("left_child", "right_child"):
                if key in node:
                    node[key] = scaled(node[key])
            return node
        return [{**t, "tree_structure": scaled(t["tree_structure"])}
                for b in self.boosters for t in b.dump_model()["tree_info"]]


_ALL: dict = {}


def use_pages(pages: list[linedata.Page]) -> None:
    """Every page's rows, in one matrix, for `binned` and `rows_of`."""
    _ALL.clear()
    starts = np.cumsum([0] + [len(p.y) for p in pages])
    _ALL.update(pages=pages, start={id(p): (int(a), int(b)) for p, a, b in zip(pages, starts[:-1], starts[1:])})


def binned(params: dict):
    import lightgbm as lgb
    if "data" not in _ALL:
        x, y = stack(_ALL["pages"])
        _ALL["data"] = lgb.Dataset(x, y, weight=weights(_ALL["pages"]), free_raw_data=False,
                                   params={"max_bin": params["max_bin"]}).construct()
    return _ALL["data"]


def rows_of(pages) -> np.ndarray:
    return np.concatenate([np.arange(*_ALL["start"][id(p)]) for p in pages])


class Passes:
    """Trees, then trees again over the same rows plus the scores of the pass before, read for the
    neighbours, the page and the kin (`cleaner.decide.model.sequence_features`), PASSES times in
    all; each later pass learns from out-of-fold scores of the pass before."""

    name = "passes"

    def __init__(self, rounds: int | None = None):
        self.rounds = rounds

    def fit(self, pages):
        inner = [hash_fold(p, INNER) for p in pages]
        extra = None  # the columns the pass reads besides the rows
        self.forests = []
        for k in range(PASSES):
            pick = (lambda idx: None) if extra is None else (lambda idx: [extra[i] for i in idx])
            self.forests.append(Trees(self.rounds).fit(pages, extra))
            if k == PASSES - 1:
                break
            oof: list[np.ndarray | None] = [None] * len(pages)
            for f in range(INNER):
                train = [i for i, g in enumerate(inner) if g != f]
                test = [i for i, g in enumerate(inner) if g == f]
                model = Trees(self.rounds).fit([pages[i] for i in train], pick(train))
                for i, pred in zip(test, model.predict([pages[i] for i in test], pick(test))):
                    oof[i] = pred
            extra = [second_columns(page, p) for page, p in zip(pages, oof)]
        return self

    def predict(self, pages):
        probs = self.forests[0].predict(pages)
        for forest in self.forests[1:]:
            probs = forest.predict(pages, [second_columns(page, p) for page, p in zip(pages, probs)])
        return probs


def second_columns(page: linedata.Page, p: np.ndarray) -> np.ndarray:
    """The second pass's extra columns of `page` given its first-pass probabilities `p`."""
    return sequence_features(p, page.x, [content_words(t, page.language) for t in page.texts])


def hash_fold(page: linedata.Page, k: int) -> int:
    return int(hashlib.sha1(f"inner/{page.corpus}/{page.site}".encode()).hexdigest(), 16) % k


FAMILIES = {"logistic": Logistic, "trees": Trees, "passes": Passes}


# ---------------------------------------------------------------- scoring

def kept_text(page: linedata.Page, prob: np.ndarray, threshold: float) -> str:
    return "\n\n".join(t for t, k in zip(page.texts, keep_mask(page, prob, threshold)) if k)


_WORDS: dict[int, np.ndarray] = {}


def keep_mask(page: linedata.Page, prob: np.ndarray, threshold: float) -> np.ndarray:
    """The lines kept at `threshold`, after the pipeline's safety net (`pipeline._safety_net`): when
    the removals keep no word, or too few words and too small a share of them, every line is kept."""
    words = _WORDS.get(id(page))
    if words is None:
        words = _WORDS.setdefault(id(page), np.array([line_features(t, page.language).words for t in page.texts]))
    keep = prob >= threshold
    if too_little(int(words[keep].sum()), int(words.sum())):
        keep[:] = True
    return keep


class Scorer:
    """The benchmark's precision and recall of a page's kept lines, fast enough for threshold sweeps:
    tokens as integers, the kept lines' token stream cut into 4-token shingles with numpy."""

    def __init__(self, page: linedata.Page):
        vocab: dict[str, int] = {}
        ids = lambda text: np.array([vocab.setdefault(t, len(vocab)) for t in TOKEN.findall(text)], np.int64)
        self.lines = [ids(t) for t in page.texts]
        truth = ids(page.truth_body)
        self.base = len(vocab) + 1
        self.truth, self.truth_n = np.unique(self._shingles(truth), return_counts=True)

    def _shingles(self, toks: np.ndarray) -> np.ndarray:
        b = self.base if hasattr(self, "base") else 1 << 20
        if len(toks) == 0:
            return np.zeros(0, np.int64)
        if len(toks) <= 4:
            toks = np.concatenate([toks + 1, np.zeros(4 - len(toks), np.int64)])
            return np.array([((toks[0] * b + toks[1]) * b + toks[2]) * b + toks[3]])
        t = toks + 1
        return ((t[:-3] * b + t[1:-2]) * b + t[2:-1]) * b + t[3:]

    def precision_recall(self, keep: np.ndarray) -> tuple[float | None, float | None]:
        kept = [ln for ln, k in zip(self.lines, keep) if k]
        sh = self._shingles(np.concatenate(kept) if kept else np.zeros(0, np.int64))
        u, n = np.unique(sh, return_counts=True)
        pos = np.searchsorted(self.truth, u)
        pos[pos >= len(self.truth)] = 0
        hit = self.truth[pos] == u if len(self.truth) else np.zeros(len(u), bool)
        tp = int(np.minimum(n[hit], self.truth_n[pos[hit]]).sum())
        fp, fn = int(n.sum()) - tp, int(self.truth_n.sum()) - tp
        if fp == 0 and fn == 0:
            return (1.0, 1.0) if tp else (None, None)
        return (tp / (tp + fp) if tp + fp else None), (tp / (tp + fn) if tp + fn else None)


_SCORERS: dict[int, Scorer] = {}


def fast_f1(pages, keeps) -> float:
    """The benchmark F1 (mean precision over pages with output, mean recall) of these decisions."""
    ps, rs = [], []
    for p, keep in zip(pages, keeps):
        sc = _SCORERS.get(id(p)) or _SCORERS.setdefault(id(p), Scorer(p))
        pr, rc = sc.precision_recall(keep)
        if pr is not None:
            ps.append(pr)
        if rc is not None:
            rs.append(rc)
    P, R = (np.mean(ps) if ps else 0.0), (np.mean(rs) if rs else 0.0)
    return 2 * P * R / (P + R) if P + R else 0.0


def choose_threshold(pages, probs, show: bool = False) -> float:
    """The threshold with the best mean benchmark F1 over these pages (each corpus weighing the same;
    the clean pages, whose every line is content, say nothing about where junk begins); with `show`,
    print the mean F1 at every threshold tried."""
    by_corpus = defaultdict(list)
    for i, p in enumerate(pages):
        if p.rendering != linedata.CLEAN:
            by_corpus[p.corpus].append(i)
    scores = [np.mean([fast_f1([pages[i] for i in idx], [keep_mask(pages[i], probs[i], t) for i in idx])
                       for idx in by_corpus.values()]) for t in THRESHOLDS]
    if show:
        print("mean F1 by threshold: " + ", ".join(f"{t:g} {f:.4f}" for t, f in zip(THRESHOLDS, scores)))
    return float(THRESHOLDS[int(np.argmax(scores))])


def table(pages, texts, title: str) -> dict:
    """Print per corpus x rendering rows and per group rows; return the figures."""
    print(f"\n## {title}")
    print(f"{'corpus':<12} {'rendering':<11} {'F1':>6} {'P':>6} {'R':>6} {'junk':>6} {'lost':>6} {'empty':>6}"
          f" {'oracle':>7}  {'F1 w/o title':>12}")
    out = {}
    cells = defaultdict(list)
    for p, t in zip(pages, texts):
        cells[(p.corpus, p.rendering)].append((p, t))
    for (corpus, rendering), items in sorted(cells.items(), key=lambda kv: (linedata.CORPORA.index(kv[0][0]), kv[0][1])):
        s = summarize([score_doc(p.truth, t) for p, t in items])
        o = summarize([score_doc(p.truth, p.oracle) for p, _ in items])
        extra = ""
        if corpus == "daniel":
            extra = f"{summarize([score_doc(p.truth_body, t) for p, t in items]).f1:12.3f}"
        print(f"{corpus:<12} {rendering:<11} {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f} {s.junk:6.3f} "
              f"{s.lost:6.3f} {s.empty:6d} {o.f1:7.3f}  {extra}")
        out[f"{corpus}/{rendering}"] = s.to_dict()
        groups = defaultdict(list)
        for p, t in items:
            groups[p.group].append(score_doc(p.truth, t))
        if rendering == "innertext" and len(groups) > 1:
            for g, scores in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                gs = summarize(scores)
                print(f"{'':<12} {'  ' + g:<11} {gs.f1:6.3f} {gs.precision:6.3f} {gs.recall:6.3f} {gs.junk:6.3f} "
                      f"{gs.lost:6.3f} {gs.empty:6d}")
                out[f"{corpus}/{rendering}/{g}"] = gs.to_dict()
    sys.stdout.flush()
    return out


def out_of_fold(pages, family, holdout: str) -> list[np.ndarray]:
    """Each page's line probabilities from a model that never saw it: split by site folds or by corpus."""
    probs: list[np.ndarray | None] = [None] * len(pages)
    for split in (linedata.CORPORA if holdout == "corpus" else range(K)):
        test = [i for i, p in enumerate(pages) if split_of(p, holdout) == split]
        train = [p for p in pages if split_of(p, holdout) != split]
        t0 = time.time()
        model = FAMILIES[family]().fit(train)
        for i, prob in zip(test, model.predict([pages[i] for i in test])):
            probs[i] = prob
        print(f"  {family} {holdout} split {split}: {len(train)} pages, {time.time() - t0:.0f} s", file=sys.stderr)
    return probs


def split_of(page: linedata.Page, holdout: str):
    return page.corpus if holdout == "corpus" else fold_of(page)


def site_thresholds(pages, probs) -> tuple[list[str], dict[int, float]]:
    """Texts of the site folds, each kept with the threshold the other folds' scores choose."""
    texts: list[str] = [""] * len(pages)
    chosen = {}
    for f in range(K):
        others = [i for i, p in enumerate(pages) if fold_of(p) != f]
        t = choose_threshold([pages[i] for i in others], [probs[i] for i in others])
        chosen[f] = t
        for i, p in enumerate(pages):
            if fold_of(p) == f:
                texts[i] = kept_text(p, probs[i], t)
    return texts, chosen


def write_model(pages, path: Path, threshold: float, summary: dict) -> None:
    """Train the passes on every page and write them with the threshold cross-validation chose."""
    trained = Passes().fit(pages)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    info = {"commit": commit, "pages": len(pages), "lines": int(sum(len(p.y) for p in pages)),
            "corpora": list(linedata.CORPORA), "renderings": list(linedata.RENDERINGS),
            "params": PARAMS, "rounds": ROUNDS, "passes": PASSES, "fits": FITS, "corpus power": CORPUS_POWER, "cross-validated": summary}
    save(path, [Forest.from_dump(t.trees()) for t in trained.forests], threshold, info)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB), threshold {threshold}")


def main() -> None:
    global CORPUS_POWER, ROUNDS, PASSES, FITS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["passes"], choices=list(FAMILIES))
    ap.add_argument("--holdout", nargs="*", default=["site", "corpus"], choices=["site", "corpus"],
                    help="validations to run (none: just --write)")
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="when the site folds do not choose it (--write without them, --holdout corpus)")
    ap.add_argument("--write", action="store_true", help="train on everything and write the model")
    ap.add_argument("--json", type=Path, help="write the tables here")
    ap.add_argument("--oof", type=Path, help="write the out-of-fold line probabilities here (pickle: "
                    "(holdout, corpus, page id, rendering) -> probabilities)")
    ap.add_argument("--corpus-power", type=float, default=CORPUS_POWER)
    ap.add_argument("--leaves", type=int, default=31)
    ap.add_argument("--rounds", type=int, default=150)
    ap.add_argument("--passes", type=int, default=PASSES, choices=range(2, 5),
                    help="passes of trees: 2 (shipped) or more, each reading the scores of the one before")
    ap.add_argument("--fits", type=int, default=FITS,
                    help="boosters of different seeds averaged in each pass (steadier decisions, FITS times the trees)")
    ap.add_argument("--param", nargs="+", default=[], metavar="KEY=VALUE",
                    help="LightGBM parameters over the defaults, e.g. min_data_in_leaf=1000 lambda_l2=10.0")
    ap.add_argument("--without", nargs="+", default=[], metavar="FEATURE",
                    help="validate without these features (an ablation; never with --write)")
    args = ap.parse_args()
    if args.without and args.write:
        ap.error("--without is for validation only: the shipped model reads every feature")
    CORPUS_POWER, ROUNDS, PASSES, FITS = args.corpus_power, args.rounds, args.passes, args.fits
    PARAMS["num_leaves"] = args.leaves
    for kv in args.param:
        key, _, value = kv.partition("=")
        PARAMS[key] = json.loads(value) if value[:1].isdigit() or value[:1] == "-" else value
    pages = linedata.load()
    if args.without:
        drop = [NAMES.index(n) for n in args.without]
        for p in pages:
            p.x = p.x.copy()
            p.x[:, drop] = np.nan  # read as missing: the trees cannot split on them
    use_pages(pages)
    print(f"{len(pages)} pages, {sum(len(p.y) for p in pages)} open lines, {len(NAMES)} features")
    summary, thresholds, oof = {}, {}, {}
    for family in args.models if args.holdout else ():
        thresholds[family] = args.threshold
        if "site" in args.holdout:
            site = out_of_fold(pages, family, "site")
            oof.update(((family, "site", p.corpus, p.id, p.rendering), pr) for p, pr in zip(pages, site))
            texts, per_fold = site_thresholds(pages, site)
            summary[f"{family}/site"] = table(pages, texts, f"{family}, {K}-fold by site (thresholds {per_fold})")
            thresholds[family] = choose_threshold(pages, site, show=True)
        if "corpus" in args.holdout:
            loco = out_of_fold(pages, family, "corpus")
            oof.update(((family, "corpus", p.corpus, p.id, p.rendering), pr) for p, pr in zip(pages, loco))
            texts = [kept_text(p, pr, thresholds[family]) for p, pr in zip(pages, loco)]
            summary[f"{family}/corpus"] = table(pages, texts, f"{family}, leave one corpus out "
                                                               f"(threshold {thresholds[family]} from the site folds)")
    if args.oof:
        args.oof.write_bytes(pickle.dumps(oof, protocol=pickle.HIGHEST_PROTOCOL))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    if args.write:
        write_model(pages, MODEL_FILE, thresholds.get("passes", args.threshold), summary)


if __name__ == "__main__":
    main()
