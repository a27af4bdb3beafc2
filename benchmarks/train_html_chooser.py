#!/usr/bin/env python3
"""Train the HTML chooser (cleaner/html/html_chooser.json) on all three corpora, with cross-validation.

    pip install -e '.[train]'
    python benchmarks/train_html_chooser.py            # cross-validated figures, nothing written
    python benchmarks/train_html_chooser.py --write    # then fit on every page and write the model

For every page of scrapinghub, wcxb and daniel (`benchmarks/corpora.py` finds them), each candidate
extraction of the HTML path (`cleaner.html.extractors.candidates`, plus the visible text) is computed once and
cached on disk (``--cache``, keyed by the trafilatura version and the extraction code, so a change
of either recomputes). Each candidate is labelled with its benchmark F1 against the page's truth;
a gradient-boosted ensemble of small regression trees learns that F1 from `cleaner.html.chooser.features`.
The figures printed are those of the candidates it chooses on pages it was not fitted on: leaving
one corpus out (fitted on the other two: how it does on a new kind of page), and 5-fold
cross-validation grouped by site (how it does on new sites of the kinds it knows). The model is
chosen by those, never by the score of pages it was fitted on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0:1] = [str(REPO)]  # not benchmarks/ first: its script names must not shadow modules
sys.path.append(str(REPO / "benchmarks"))

from corpora import CORPORA, group_of, pages  # noqa: E402  (benchmarks/corpora.py)

from cleaner.html import chooser, extractors  # noqa: E402
from cleaner.io.read import decode_html as decode  # noqa: E402
from cleaner.score.evaluate import score_doc, summarize  # noqa: E402
from cleaner.html.markup import sanitize  # noqa: E402

CODE = ("html/extractors.py", "html/markup.py")
NAMES = (*extractors.CANDIDATES, "visible")


def cache_key() -> str:
    """The trafilatura version and a hash of the code that makes the candidates."""
    import trafilatura

    digest = hashlib.sha1(b"".join((REPO / "cleaner" / f).read_bytes() for f in CODE)).hexdigest()[:10]
    return f"trafilatura-{trafilatura.__version__}-{digest}"


def candidates_of(page: Path) -> dict:
    """A page's candidate texts and the hints of its tree (what `chooser.features` reads)."""
    text, _ = sanitize(decode((page / "page.html").read_bytes()))
    tree, too_deep = extractors.parse(text)
    visible = extractors.resiliparse(text, main_content=False)
    found = extractors.candidates(text, tree) if tree is not None and not too_deep else {}
    found = {name: found.get(name, "") for name in extractors.CANDIDATES} | {"visible": visible}
    hints = chooser.page_hints(tree, visible)
    return {"candidates": found, "hints": {**hints.__dict__, "anchors": sorted(hints.anchors),
                                            "schema": sorted(hints.schema)}}


def _page_row(args: tuple[str, str, str]) -> dict:
    """Worker: one page's features and candidate scores (candidates from the cache, or computed and cached)."""
    page_dir, cache_file, group = args
    page, cached = Path(page_dir), Path(cache_file)
    if cached.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
    else:
        data = candidates_of(page)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    h = data["hints"]
    hints = chooser.PageHints(h["visible_words"], h["link_words"], frozenset(h["anchors"]), frozenset(h["schema"]),
                              h["og_article"])
    truth = (page / "truth.txt").read_text(encoding="utf-8")
    found = data["candidates"]
    return {"id": page.name, "corpus": page.parent.parent.name, "group": group,
            "features": chooser.features(found, hints),
            "scores": {name: score_doc(truth, text) for name, text in found.items()}}


def site(row: dict) -> str:
    """The site of a page, for grouping folds (daniel ids name it; other pages are their own group)."""
    m = re.match(r"\d+_([^_]+)_", row["id"])
    return f"{row['corpus']}:{m.group(1) if m else row['id']}"


def load_rows(cache: Path, jobs: int) -> list[dict]:
    work = [(str(p), str(cache / corpus / f"{p.name}.json"), group_of(p)) for corpus in CORPORA for p in pages(corpus)]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_page_row, work, chunksize=8))


def matrix(rows: list[dict], feature_names: list[str]):
    import numpy as np

    x = [[r["features"][n][f] for f in feature_names] + [float(n == c) for c in NAMES] for r in rows for n in NAMES]
    y = [r["scores"][n].f1 or 0.0 for r in rows for n in NAMES]
    return np.array(x), np.array(y)


def fit(rows: list[dict], feature_names: list[str], args: argparse.Namespace):
    from sklearn.ensemble import GradientBoostingRegressor

    model = GradientBoostingRegressor(n_estimators=args.trees, max_depth=args.depth, learning_rate=args.rate,
                                      subsample=0.8, min_samples_leaf=20, random_state=0)
    model.fit(*matrix(rows, feature_names))
    return model


def chosen(model, rows: list[dict], feature_names: list[str]) -> list[str]:
    x, _ = matrix(rows, feature_names)
    predicted = model.predict(x).reshape(len(rows), len(NAMES))
    for i, r in enumerate(rows):  # an empty candidate is never chosen (as at run time)
        for j, n in enumerate(NAMES):
            if r["scores"][n].pred_tokens == 0:
                predicted[i, j] = -1.0
    return [NAMES[j] for j in predicted.argmax(axis=1)]


def line(name: str, scores: list) -> str:
    s = summarize(scores)
    return (f"{name:<28} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  junk {s.junk:.3f}  "
            f"lost {s.lost:.3f}  empty {s.empty}/{s.n}")


def report(title: str, rows: list[dict], picks: list[str]) -> None:
    print(f"== {title}")
    for corpus in CORPORA:
        idx = [i for i, r in enumerate(rows) if r["corpus"] == corpus]
        if not idx:
            continue
        print(line(f"{corpus} chooser", [rows[i]["scores"][picks[i]] for i in idx]))
        best = max(NAMES, key=lambda n: summarize([rows[i]["scores"][n] for i in idx]).f1)
        print(line(f"  best single: {best}", [rows[i]["scores"][best] for i in idx]))
        groups = defaultdict(list)
        for i in idx:
            groups[rows[i]["group"]].append(i)
        if len(groups) > 1:
            print("   ", "  ".join(f"{g} {summarize([rows[i]['scores'][picks[i]] for i in v]).f1:.3f}"
                                   for g, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))))
    print(line("all chooser", [r["scores"][p] for r, p in zip(rows, picks)]))


def export(model, feature_names: list[str]) -> dict:
    """The fitted ensemble as JSON-ready data for `cleaner.html.chooser.predict`."""
    def node(tree, i: int) -> list:
        if tree.children_left[i] == -1:
            return [round(float(tree.value[i][0][0]), 6)]
        return [int(tree.feature[i]), round(float(tree.threshold[i]), 6),
                node(tree, tree.children_left[i]), node(tree, tree.children_right[i])]

    return {"features": feature_names, "candidates": list(NAMES), "base": float(model.init_.constant_[0][0]),
            "rate": model.learning_rate, "trees": [node(est[0].tree_, 0) for est in model.estimators_]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/html-cache"), help="where candidate texts are kept")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--write", action="store_true", help="fit on all pages and write cleaner/html/html_chooser.json")
    ap.add_argument("--picks", type=Path, help="write the 5-fold choices here (JSON: corpus/id -> candidate)")
    args = ap.parse_args()
    from sklearn.model_selection import GroupKFold

    rows = load_rows(args.cache / cache_key(), args.jobs)
    feature_names = sorted(rows[0]["features"][NAMES[0]])
    picks: list[str] = [""] * len(rows)
    for held in CORPORA:
        train = [r for r in rows if r["corpus"] != held]
        idx = [i for i, r in enumerate(rows) if r["corpus"] == held]
        for i, p in zip(idx, chosen(fit(train, feature_names, args), [rows[i] for i in idx], feature_names)):
            picks[i] = p
    report("leave one corpus out", rows, picks)
    for train_idx, test_idx in GroupKFold(5).split(rows, groups=[site(r) for r in rows]):
        model = fit([rows[i] for i in train_idx], feature_names, args)
        for i, p in zip(test_idx, chosen(model, [rows[i] for i in test_idx], feature_names)):
            picks[i] = p
    report("5-fold, grouped by site", rows, picks)
    if args.picks:
        args.picks.write_text(json.dumps({f"{r['corpus']}/{r['id']}": p for r, p in zip(rows, picks)}, indent=0),
                              encoding="utf-8")
    if args.write:
        out = REPO / "cleaner" / "html" / "html_chooser.json"
        out.write_text(json.dumps(export(fit(rows, feature_names, args), feature_names), separators=(",", ":")) + "\n",
                       encoding="utf-8")
        print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
