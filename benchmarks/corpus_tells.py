"""Which evidence figures tell the training corpora apart (adversarial validation).

    python benchmarks/corpus_tells.py            # the 30 figures that tell the corpora apart most

A model that can tell which corpus a line comes from can learn each corpus's habits instead of what
makes a line content or junk, and does worse on a corpus of another kind (leave one corpus out).
This fits two boosters on the same sample of lines (up to 40 a page, pages of every corpus weighed
alike): one predicts the line's corpus, one its label. It prints how often the first names the
corpus of lines from sites it was not fitted on, and each figure's share of the gain of both: a
figure that weighs much for the corpus and little for the label is a candidate to leave out
(then judge it with `train.py --without ...`, both validations).
"""

from __future__ import annotations

import argparse

import numpy as np

import linedata
from cleaner.decide.evidence import NAMES
from train import fold_of

PARAMS = {"learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 200, "feature_fraction": 0.5,
          "verbose": -1, "num_threads": 2, "seed": 1}


def sample(pages, per_page: int = 40, seed: int = 0):
    """Rows, corpus numbers, labels and held-out flags (a fifth of the sites) of a sample of lines."""
    rng = np.random.default_rng(seed)
    rows, corpus, label, held = [], [], [], []
    for p in pages:
        if not len(p.y):
            continue
        take = rng.choice(len(p.y), size=min(len(p.y), per_page), replace=False)
        rows.append(p.x[take])
        label.append(p.y[take])
        corpus.append(np.full(len(take), linedata.CORPORA.index(p.corpus)))
        held.append(np.full(len(take), fold_of(p) == 0))  # the first of train.py's site folds
    return np.vstack(rows), np.concatenate(corpus), np.concatenate(label), np.concatenate(held)


def main() -> None:
    import lightgbm as lgb
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    # the scraped renderings only: the clean pages and daniel's twins with site templates are
    # augmentations of one corpus or another, and would name it by themselves
    pages = [p for p in linedata.load(quiet=True) if p.rendering in linedata.RENDERINGS]
    x, corpus, label, held = sample(pages)
    weight = (1.0 / np.bincount(corpus))[corpus] * len(corpus) / len(linedata.CORPORA)
    fit = ~held
    tells = lgb.train({**PARAMS, "objective": "multiclass", "num_class": len(linedata.CORPORA)},
                      lgb.Dataset(x[fit], corpus[fit], weight=weight[fit]), 100)
    decides = lgb.train({**PARAMS, "objective": "binary"}, lgb.Dataset(x[fit], label[fit], weight=weight[fit]), 100)
    right = (tells.predict(x[held]).argmax(1) == corpus[held]).mean()
    print(f"{len(corpus)} lines; the corpus of lines from held-out sites named right: {right:.3f} "
          f"(by chance: {1 / len(linedata.CORPORA):.3f})")
    gain_c = tells.feature_importance("gain") / tells.feature_importance("gain").sum()
    gain_l = decides.feature_importance("gain") / decides.feature_importance("gain").sum()
    print(f"{'figure':28s} {'corpus':>7s} {'label':>7s}")
    for i in np.argsort(-gain_c)[:args.top]:
        print(f"{NAMES[i]:28s} {gain_c[i]:7.4f} {gain_l[i]:7.4f}")


if __name__ == "__main__":
    main()
