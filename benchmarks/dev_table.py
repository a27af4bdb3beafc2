#!/usr/bin/env python3
"""Run the benchmark dev set through cleaner (in-process) and print issue 3's accuracy table.

    python benchmarks/dev_table.py [--html] [--worst N] [--json FILE] [--data DIR]

Each variant of every page (innertext, chunked, inscriptis; page.html with --html) is cleaned with
the bundled rules and scored against truth.txt with cleaner.evaluate (the benchmark's token-shingle
metric). The table sets cleaner's F1 beside the reference figures of ../shared/eval/README.md and a
"keep everything" row computed live (output = input), an anchor for the metric: it must match the
README's keep-everything figures. docs/s is cleaning time only (no start-up, no reading). A last line
cleans the truth texts themselves and says which rules and heuristics removed article words there.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from cleaner import Cleaner, __version__
from cleaner.evaluate import DocScore, Summary, score_doc, summarize, worst, worst_table

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "data" / "scrapinghub" / "dev"
TEXT_VARIANTS = {"innertext": "innertext.txt", "chunked": "chunked.txt", "inscriptis": "inscriptis.txt"}
HTML_VARIANT = {"html": "page.html"}
# F1 on this dev set, same metric, from ../shared/eval/README.md.
REFERENCE = {
    "keep everything (README)": {"innertext": 0.685, "chunked": 0.672},
    "C4 line rules": {"innertext": 0.798, "chunked": 0.711},
    "jusText on lines": {"innertext": 0.747, "chunked": 0.732},
    "trafilatura on lines as <p>": {"innertext": 0.714, "chunked": 0.698},
    "trafilatura on the HTML": {"html": 0.955},
}


def commit() -> str:
    """The checked-out commit, marked '+dirty' when cleaner's code or rules have uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--", "cleaner", "rules") else "")


def run_variant(cleaner: Cleaner, pages: list[Path], filename: str) -> tuple[dict[str, DocScore],
                                                                              dict[str, DocScore], float]:
    """Clean `filename` of every page: cleaner's scores, keep-everything scores, cleaning seconds."""
    ours: dict[str, DocScore] = {}
    kept: dict[str, DocScore] = {}
    seconds = 0.0
    for page in pages:
        path = page / filename
        if not path.is_file():
            raise SystemExit(f"{path}: missing (is {page.parent} the benchmark dev set?)")
        data, truth = path.read_bytes(), (page / "truth.txt").read_text(encoding="utf-8")
        start = time.perf_counter()
        text = cleaner.clean(data, source=str(path)).text
        seconds += time.perf_counter() - start
        ours[page.name] = score_doc(truth, text)
        if not filename.endswith(".html"):
            kept[page.name] = score_doc(truth, data.decode("utf-8", errors="replace"))
    return ours, kept, seconds


def over_cleaning(cleaner: Cleaner, pages: list[Path]) -> tuple[float, Counter[str]]:
    """Clean the truth texts themselves (article bodies and nothing else): the share of their words
    kept, and the words removed by each rule or heuristic. Every removal here is body lost; the
    rules in particular should remove next to nothing."""
    total, removed = 0, Counter[str]()
    for page in pages:
        truth = (page / "truth.txt").read_text(encoding="utf-8")
        total += len(truth.split())
        for line in cleaner.clean(truth, source="truth.txt").removed:
            removed[line["by"]] += len(line["text"].split())
    return 1 - sum(removed.values()) / max(1, total), removed


def f1_row(name: str, figures: dict[str, float], variants: list[str]) -> str:
    cells = [f"{figures[v]:.3f}" if v in figures else "" for v in variants]
    return f"| {name} | " + " | ".join(cells) + " |"


def detail_row(variant: str, s: Summary, docs_per_s: float) -> str:
    return (f"| {variant} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.junk:.3f} | {s.lost:.3f} "
            f"| {s.empty}/{s.n} | {docs_per_s:.0f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEV, help=f"the dev set (default {DEV})")
    ap.add_argument("--html", action="store_true", help="also clean page.html (the HTML path)")
    ap.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst documents per variant")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the summaries and per-document figures")
    args = ap.parse_args()
    pages = sorted(p for p in args.data.iterdir() if p.is_dir()) if args.data.is_dir() else []
    if not pages:
        ap.error(f"no pages in {args.data}")
    variants = {**TEXT_VARIANTS, **(HTML_VARIANT if args.html else {})}
    cleaner = Cleaner()
    for filename in variants.values():  # untimed warm-up: lazy loads (word lists, trafilatura)
        cleaner.clean((pages[0] / filename).read_bytes(), source=filename)
    results = {v: run_variant(cleaner, pages, f) for v, f in variants.items()}
    summaries = {v: (summarize(list(ours.values())), summarize(list(kept.values())) if kept else None, secs)
                 for v, (ours, kept, secs) in results.items()}

    names = list(TEXT_VARIANTS) + list(HTML_VARIANT)
    print(f"dev set: {len(pages)} pages in {args.data}; cleaner {__version__} at {commit()}\n")
    print("| system | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for name, figures in REFERENCE.items():
        print(f1_row(name, figures, names))
    print(f1_row("keep everything (live)", {v: k.f1 for v, (_, k, _) in summaries.items() if k}, names))
    print(f1_row("**cleaner**", {v: s.f1 for v, (s, _, _) in summaries.items()}, names))
    print("\n| cleaner | F1 | P | R | junk kept | body lost | empty | docs/s |")
    print("|---" * 8 + "|")
    for v, (s, _, secs) in summaries.items():
        print(detail_row(v, s, s.n / secs if secs else 0.0))
    truth_kept, removed = over_cleaning(cleaner, pages)
    print(f"\ncleaning the truth texts themselves: {truth_kept:.1%} of their words kept; removed by "
          + ", ".join(f"{by} {n}" for by, n in removed.most_common()))
    for v, (ours, _, _) in results.items() if args.worst else ():
        print(f"\nworst {args.worst} {v} documents:\n{worst_table(worst(ours, args.worst))}")
    if args.json:
        args.json.write_text(json.dumps({"commit": commit(), "pages": len(pages), "variants": {
            v: {"summary": s.to_dict(), "keep_everything": k.to_dict() if k else None, "seconds": secs,
                "documents": {name: d.to_dict() for name, d in results[v][0].items()}}
            for v, (s, k, secs) in summaries.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
