#!/usr/bin/env python3
"""How well the Markdown reader parses, before any decision: issue 14's parse table.

    python benchmarks/markdown_parse.py [--corpus C ...] [--jobs N] [--sample K] [--json FILE]

For every page of each corpus (read as `corpora.py` finds them), scored against truth.txt with
the benchmark's metric (F1):

- keep everything: markdown.txt as it is; the texts of `cleaner.io.markdown.build`'s lines; the
  lines `cleaner.pipeline.build` (the text door) reads from innertext.txt and from markdown.txt;
- line oracle: keep exactly the lines `cleaner.score.labels.align` labels as the truth's, for the same
  three line sets (the ceiling of any line-by-line decision on them).

It also counts how `cleaner.io.markdown.looks_like_markdown` (by content: the file names are not
shown to it) classes the innertext, inscriptis and markdown renderings of every page.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, pages  # noqa: E402

from cleaner.io import markdown  # noqa: E402
from cleaner import pipeline  # noqa: E402
from cleaner.score.evaluate import DocScore, score_doc, summarize  # noqa: E402
from cleaner.score.labels import align, oracle_text  # noqa: E402

COLUMNS = ("innertext lines", "markdown raw", "markdown as text lines", "markdown lines")
DETECTED = ("innertext.txt", "inscriptis.txt", "markdown.txt")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def measure(page: Path) -> dict:
    """One page: keep-everything and oracle scores per line set, detection, Markdown parse time."""
    truth = _read(page / "truth.txt")
    md = _read(page / "markdown.txt")
    start = time.perf_counter()
    parsed = [ln.text for ln in markdown.build(md, str(page)).lines]
    seconds = time.perf_counter() - start
    line_sets = {"innertext lines": [ln.text for ln in pipeline.build(_read(page / "innertext.txt")).lines],
                 "markdown as text lines": [ln.text for ln in pipeline.build(md).lines],
                 "markdown lines": parsed}
    keep = {name: score_doc(truth, "\n\n".join(lines)) for name, lines in line_sets.items()}
    keep["markdown raw"] = score_doc(truth, md)
    oracle = {name: score_doc(truth, oracle_text(lines, align(truth, lines))) for name, lines in line_sets.items()}
    detected = {name: markdown.looks_like_markdown(_read(page / name)) for name in DETECTED}
    return {"page": page.name, "keep": keep, "oracle": oracle, "detected": detected, "seconds": seconds,
            "bytes": len(md.encode("utf-8"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=CORPORA)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--sample", type=int, default=1, help="every K-th page only (a quick look)")
    ap.add_argument("--json", type=Path, help="write every page's figures here")
    args = ap.parse_args()

    print("| corpus | pages | keep all: innertext lines | markdown raw | markdown as text lines | markdown lines "
          "| oracle: innertext lines | markdown as text lines | markdown lines | parse MB/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    report: dict[str, list] = {}
    detection: dict[str, Counter[str]] = {}
    for corpus in args.corpus:
        docs = pages(corpus)[::args.sample]
        if args.jobs > 1:
            with ProcessPoolExecutor(args.jobs) as pool:
                rows = list(pool.map(measure, docs, chunksize=8))
        else:
            rows = [measure(p) for p in docs]

        def f1(part: str, name: str) -> str:
            scores: list[DocScore] = [r[part][name] for r in rows if name in r[part]]
            return f"{summarize(scores).f1:.3f}"

        mb = sum(r["bytes"] for r in rows) / 1e6 / max(sum(r["seconds"] for r in rows), 1e-9)
        print(f"| {corpus} | {len(rows)} | " + " | ".join(f1("keep", c) for c in COLUMNS) + " | "
              + " | ".join(f1("oracle", c) for c in COLUMNS if c != "markdown raw") + f" | {mb:.2f} |")
        detection[corpus] = Counter(name for r in rows for name, yes in r["detected"].items() if yes)
        detection[corpus]["pages"] = len(rows)
        report[corpus] = [{**r, "keep": {k: s.to_dict() for k, s in r["keep"].items()},
                           "oracle": {k: s.to_dict() for k, s in r["oracle"].items()}} for r in rows]
        sys.stdout.flush()
    print("\nDetected as Markdown by content (of all pages):")
    for corpus, counts in detection.items():
        print(f"  {corpus}: " + ", ".join(f"{name} {counts[name]}/{counts['pages']}" for name in DETECTED))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
