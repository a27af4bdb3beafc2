#!/usr/bin/env python3
"""Fit the line model (cleaner/line_model.json) on the dev set, with cross-validation by document.

    python benchmarks/train_line_model.py            # report cross-validated F1, write nothing
    python benchmarks/train_line_model.py --write    # also fit on all pages and write the model

Each undecided line of a page (after rules and structural heuristics) is labelled "article" when
its tokens appear, in order, in the page's ground truth. The model is an L2-regularised logistic
regression over generic features (cleaner/model.py), fitted by Newton's method with lines weighted
by their length, since the benchmark counts tokens. Cross-validation keeps all variants of a page
in the same fold, so the held-out figures say how the model does on pages it has not seen.
Needs numpy (`pip install numpy`) and the dev set in ../shared/eval beside the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path[0:1] = [str(ROOT), str(EVAL)]  # not benchmarks/ itself: its script names must not shadow modules

from score import score_docs, tokens  # noqa: E402

from cleaner import model, render  # noqa: E402
from cleaner.heuristics import safety_net  # noqa: E402
from cleaner.metadata import collect_fields  # noqa: E402
from cleaner.pipeline import build, prepare  # noqa: E402
from cleaner.rules import RuleSet  # noqa: E402

VARIANTS = ("innertext", "inscriptis")
L2 = 1.0
MAX_WEIGHT = 60  # tokens; longer lines do not weigh more than this


def load_pages(rules: RuleSet) -> list[dict]:
    """Every (page, variant): the prepared document, its vectors, labels and weights."""
    pages = []
    for d in sorted((EVAL / "data" / "scrapinghub" / "dev").iterdir()):
        truth = (d / "truth.txt").read_text(encoding="utf-8")
        norm = " ".join(tokens(truth))
        for variant in VARIANTS:
            doc = build((d / f"{variant}.txt").read_text(encoding="utf-8"), str(d))
            prep = prepare(doc, rules)
            vecs = model.vectors(doc, prep.feats, prep.span, prep.tails)
            rows, labels, weights = [], [], []
            for line, vec in zip(doc.lines, vecs):
                if vec is None:
                    continue
                toks = tokens(line.text)
                rows.append(vec)
                labels.append(float(" ".join(toks) in norm) if toks else 0.0)
                weights.append(min(MAX_WEIGHT, max(1, len(toks))))
            pages.append({"id": d.name, "variant": variant, "truth": truth, "doc": doc, "prep": prep,
                          "decisions": [ln.decision for ln in doc.lines],
                          "X": np.array(rows).reshape(-1, len(model.NAMES)), "y": np.array(labels),
                          "w": np.array(weights, dtype=float)})
    return pages


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardise, then Newton's method on the weighted, L2-regularised logistic loss."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0  # the bias column stays 1
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    beta = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], L2)
    reg[0] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-np.clip(Z @ beta, -30, 30)))
        grad = Z.T @ (w * (p - y)) + reg * beta
        hess = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta, mean, scale


def outputs(pages: list[dict], m: model.LineModel) -> list[tuple[str, str]]:
    """(truth, cleaned text) for each page with model `m` applied to its prepared document."""
    pairs = []
    for pg in pages:
        doc = pg["doc"]
        for line, decision in zip(doc.lines, pg["decisions"]):
            line.decision = decision
        doc.warnings.clear()
        model.classify(doc, pg["prep"].feats, pg["prep"].span, pg["prep"].tails, m)
        safety_net(doc, pg["prep"].feats)
        collect_fields(doc)
        pairs.append((pg["truth"], render.body(doc)))
    return pairs


def f1(pairs: list[tuple[str, str]]) -> dict:
    return score_docs(pairs, n_bootstrap=0)[0]


def stack(pages: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.vstack([p["X"] for p in pages]), np.concatenate([p["y"] for p in pages]),
            np.concatenate([p["w"] for p in pages]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="fit on all pages and write cleaner/line_model.json")
    args = ap.parse_args()
    pages = load_pages(RuleSet.load())
    ids = sorted({p["id"] for p in pages})
    random.Random(0).shuffle(ids)
    fold_of = {pid: k % args.folds for k, pid in enumerate(ids)}
    thresholds = (0.1, 0.2, 0.3, 0.4, 0.5)
    held: dict[float, list] = {t: [] for t in thresholds}
    held_pages: list[dict] = []
    for k in range(args.folds):
        train = [p for p in pages if fold_of[p["id"]] != k]
        test = [p for p in pages if fold_of[p["id"]] == k]
        beta, mean, scale = fit(*stack(train))
        for t in thresholds:
            held[t].extend(outputs(test, model.LineModel(tuple(beta), tuple(mean), tuple(scale), t)))
        held_pages.extend(test)
    print(f"cross-validated ({args.folds} folds by page), per variant:")
    for t in thresholds:
        for variant in VARIANTS:
            pairs = [pr for pr, pg in zip(held[t], held_pages) if pg["variant"] == variant]
            r = f1(pairs)
            print(f"  threshold {t:.1f} {variant:10} F1 {r['f1']:.4f} P {r['precision']:.4f} "
                  f"R {r['recall']:.4f} junk {r['junk']:.3f} lost {r['lost']:.3f} empty {r['empty']}")
    if args.write:
        threshold = max(thresholds, key=lambda t: f1(held[t])["f1"])
        beta, mean, scale = fit(*stack(pages))
        data = {"names": list(model.NAMES), "weights": beta.round(6).tolist(), "mean": mean.round(6).tolist(),
                "scale": scale.round(6).tolist(), "threshold": threshold,
                "trained_on": f"scrapinghub dev set, {len(ids)} pages, variants {', '.join(VARIANTS)}",
                "cv_f1": round(f1(held[threshold])["f1"], 4)}
        model.MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {model.MODEL_FILE} (threshold {threshold})")
        for name, wt in sorted(zip(model.NAMES, beta), key=lambda x: -abs(x[1])):
            print(f"  {name:22} {wt:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
