#!/usr/bin/env python3
"""Train the title model (cleaner/decide/title_model.npz) on the titles of wcxb and daniel, with cross-validation.

    pip install -e '.[train]'
    python benchmarks/train_titles.py            # cross-validated accuracy, nothing written
    python benchmarks/train_titles.py --write    # then fit on every page and write the model

Every page of wcxb (its title in meta.json) and daniel (the first line of its truth) is read in
three renderings (innertext, inscriptis, Markdown) as the text path reads it (`evidence.structure`),
and each candidate line of `cleaner.decide.titles.candidates` is labelled a title when its `\\w+`
tokens match the page's title with F1 0.8 or more. Boosted trees learn the label; a page's title is
its best-scored candidate when that scores at least the threshold. Printed: per corpus and
rendering, the share of pages whose title comes out exact, close (token F1 >= 0.8) and the mean
token F1 (a page with no title taken scores 0) and "wrong", the share of pages whose title taken is
not close (a line lifted out of the text that is not the headline), on pages the model was not
fitted on: 5 folds by site, and leaving one corpus out. The threshold is the one of the site folds'
out-of-fold scores with the best mean utility over the corpora, where a close title gains 1, a
wrong one costs 1 and none scores 0: a wrong title costs a line of the text as well as the field.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[0:1] = [str(REPO)]
sys.path.append(str(REPO / "benchmarks"))

from corpora import pages, site_of  # noqa: E402

from cleaner.decide import titles  # noqa: E402

CORPORA = ("wcxb", "daniel")
RENDERINGS = ("innertext", "inscriptis", "markdown")
CACHE = Path(os.environ.get("CLEANER_TRAIN_CACHE", Path.home() / ".cache" / "cleaner-train"))
TOKEN = re.compile(r"\w+")
MATCH = 0.8  # token F1 at which a line is the title
THRESHOLDS = np.round(np.arange(0.0, 0.91, 0.05), 2)
PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 50,
          "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
          "verbose": -1, "num_threads": 1, "seed": 1}
ROUNDS = 200
K = 5


def token_f1(a: str | None, b: str) -> float:
    """The F1 of the lowercased `\\w+` tokens of `a` (None: none) against those of `b`."""
    x, y = Counter(t.lower() for t in TOKEN.findall(a or "")), Counter(t.lower() for t in TOKEN.findall(b))
    common = sum((x & y).values())
    return 2 * common / (sum(x.values()) + sum(y.values())) if common else 0.0


def truth_title(corpus: str, page: Path) -> str | None:
    """The page's title: wcxb's meta.json, daniel's first line of the truth."""
    if corpus == "daniel":
        return (page / "truth.txt").read_text(encoding="utf-8").strip().split("\n")[0] or None
    return json.loads((page / "meta.json").read_text(encoding="utf-8")).get("title") or None


_RULES: list = []  # the bundled rules, loaded once per worker


def _rows(args: tuple[str, str, str]) -> dict | None:
    """One page in one rendering: its candidates' texts, rows and labels."""
    from cleaner.decide.rules import RuleSet
    from cleaner.io.markdown import build as build_markdown
    from cleaner.pipeline import build
    corpus, path, rendering = args
    page = Path(path)
    title = truth_title(corpus, page)
    if not title:
        return None
    text = (page / f"{rendering}.txt").read_text(encoding="utf-8", errors="replace")
    doc = build_markdown(text, path) if rendering == "markdown" else build(text, path)
    if not _RULES:
        _RULES.append(RuleSet.load())
    picked, x = titles.page_candidates(doc, _RULES[0])
    texts = [doc.lines[i].text for i in picked]
    return {"corpus": corpus, "page": page.name, "site": site_of(corpus, page), "rendering": rendering,
            "title": title, "texts": texts, "x": x, "f1": np.array([token_f1(t, title) for t in texts])}


def load(jobs: int) -> list[dict]:
    """Every page's `_rows`, cached per version of the code, rules and this script."""
    h = hashlib.sha1()
    for p in (sorted((REPO / "cleaner").rglob("*.py")) + sorted((REPO / "rules").glob("*.toml"))
              + [Path(__file__), REPO / "benchmarks" / "corpora.py"]):
        h.update(p.read_bytes())
    cache = CACHE / f"titles-{h.hexdigest()[:12]}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    work = [(c, str(p), r) for c in CORPORA for p in pages(c) for r in RENDERINGS]
    print(f"reading {len(work)} pages into {cache} ...", file=sys.stderr)
    with ProcessPoolExecutor(jobs) as pool:
        out = [r for r in pool.map(_rows, work, chunksize=16) if r is not None]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def fit(data: list[dict]):
    """Boosted trees fitted on the candidates of `data`, labelled title when close to the page's."""
    import lightgbm as lgb
    x = np.vstack([d["x"] for d in data if len(d["x"])])
    y = np.concatenate([d["f1"] >= MATCH for d in data if len(d["x"])])
    # each page weighs the same, each corpus the same (as the decision model's training)
    sizes = Counter(d["corpus"] for d in data)
    w = np.concatenate([np.full(len(d["x"]), 1.0 / len(d["x"]) / sizes[d["corpus"]]) for d in data if len(d["x"])])
    return lgb.train(PARAMS, lgb.Dataset(x, y.astype(int), weight=w * len(w) / w.sum()), ROUNDS)


def scores(booster, data: list[dict]) -> list[np.ndarray]:
    """Each page's candidates' probabilities."""
    return [booster.predict(d["x"]) if len(d["x"]) else np.zeros(0) for d in data]


def outcome(d: dict, p: np.ndarray, threshold: float) -> float | None:
    """The token F1 of the title taken, None when none is."""
    if not len(p):
        return None
    k = int(np.argmax(p))
    return float(d["f1"][k]) if p[k] >= threshold else None


def utility(f1: float | None) -> float:
    """A close title gains 1, a wrong one (a line lifted out of the text) costs 1, none scores 0."""
    return 0.0 if f1 is None else 1.0 if f1 >= MATCH else -1.0


def table(label: str, data: list[dict], probs: list[np.ndarray], threshold: float) -> dict:
    out = {}
    for corpus in CORPORA:
        for rendering in RENDERINGS:
            got = [outcome(d, p, threshold) for d, p in zip(data, probs)
                   if d["corpus"] == corpus and d["rendering"] == rendering]
            if got:
                g = np.array([-1.0 if f is None else f for f in got])  # -1: no title taken
                out[f"{corpus}/{rendering}"] = {"pages": len(g), "exact": float((g >= 0.999).mean()),
                                                "close": float((g >= MATCH).mean()),
                                                "wrong": float(((g >= 0) & (g < MATCH)).mean()),
                                                "mean": float(np.maximum(g, 0).mean())}
    print(f"\n{label} (threshold {threshold})")
    print(f"{'corpus/rendering':24} {'pages':>6} {'exact':>7} {'close':>7} {'wrong':>7} {'mean F1':>8}")
    for k, v in out.items():
        print(f"{k:24} {v['pages']:6d} {v['exact']:7.3f} {v['close']:7.3f} {v['wrong']:7.3f} {v['mean']:8.3f}")
    return out


def oracle(data: list[dict]) -> None:
    """Print how often some candidate is the title: the most any model could take."""
    for corpus in CORPORA:
        for rendering in RENDERINGS:
            d = [x for x in data if x["corpus"] == corpus and x["rendering"] == rendering]
            print(f"{corpus}/{rendering}: a candidate is the title on {np.mean([bool((x['f1'] >= MATCH).any()) for x in d]):.3f}"
                  f" of {len(d)} pages")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="fit on every page and write the model")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write the tables here")
    args = ap.parse_args()
    data = load(args.jobs)
    oracle(data)
    fold = [int(hashlib.sha1(f"{d['corpus']}/{d['site']}".encode()).hexdigest(), 16) % K for d in data]
    oof: list[np.ndarray] = [np.zeros(0)] * len(data)
    for k in range(K):
        booster = fit([d for d, f in zip(data, fold) if f != k])
        for i, p in zip([i for i, f in enumerate(fold) if f == k], scores(booster, [d for d, f in zip(data, fold) if f == k])):
            oof[i] = p

    def mean_over_corpora(threshold: float) -> float:
        return float(np.mean([np.mean([utility(outcome(d, p, threshold)) for d, p in zip(data, oof)
                                       if d["corpus"] == c]) for c in CORPORA]))
    curve = {float(t): mean_over_corpora(t) for t in THRESHOLDS}
    print("mean utility over the corpora by threshold (site folds):",
          " ".join(f"{t:.2f}:{v:.4f}" for t, v in curve.items()))
    threshold = max(curve, key=curve.get)
    tables = {"site folds": table("5 folds by site", data, oof, threshold)}
    loco: list[np.ndarray] = [np.zeros(0)] * len(data)
    for held in CORPORA:
        booster = fit([d for d in data if d["corpus"] != held])
        for i, p in zip([i for i, d in enumerate(data) if d["corpus"] == held],
                        scores(booster, [d for d in data if d["corpus"] == held])):
            loco[i] = p
    tables["one corpus out"] = table("one corpus out (trained on the other)", data, loco, threshold)
    if args.json:
        Path(args.json).write_text(json.dumps(tables, indent=1))
    if args.write:
        from cleaner.decide.model import Forest
        booster = fit(data)
        info = {"pages": len(data), "params": PARAMS, "rounds": ROUNDS, "match": MATCH, "cross-validated": tables}
        titles.save(titles.MODEL_FILE, Forest.from_dump(booster.dump_model()["tree_info"]), threshold, info)
        print(f"wrote {titles.MODEL_FILE}")


if __name__ == "__main__":
    main()
