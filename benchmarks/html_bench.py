#!/usr/bin/env python3
"""cleaner's HTML path beside trafilatura and readability-lxml alone, on the same pages, in one run.

    python benchmarks/html_bench.py [--data DIR] [--split dev] [--repeat N]

Every system gets the same page.html bytes, in-process, after a warm-up call; each page is timed
around the call only (no reading, no start-up), and the fastest of `--repeat` passes is kept because
the machine is shared and noisy. Scores come from the evaluation's own scorer
(../shared/eval/score.py, imported by path): benchmark F1 / P / R, junk, lost, empty outputs.
The last lines give the throughput of cleaner's HTML path as a multiple of trafilatura's, the last
of them against trafilatura run with the options cleaner uses (precision mode and metadata).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from cleaner import Cleaner
from cleaner.html import _block_text

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"


def load_scorer(path: Path):
    """The evaluation's score.py as a module."""
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readability_text(data: bytes) -> str:
    """readability-lxml alone: its article HTML as text, one line per block."""
    import lxml.html
    from readability import Document

    return _block_text(lxml.html.document_fromstring(Document(data).summary(html_partial=True)))


def _text(doc) -> str:
    """The text of a `bare_extraction` result (empty when it found nothing)."""
    return (doc.text or "") if doc is not None else ""


def systems() -> dict[str, Callable[[bytes], str]]:
    cleaner = Cleaner()
    return {
        "trafilatura default": lambda d: trafilatura.extract(d) or "",
        "trafilatura no comments": lambda d: trafilatura.extract(d, include_comments=False) or "",
        "trafilatura favor_precision": lambda d: trafilatura.extract(d, favor_precision=True,
                                                                     include_comments=False) or "",
        "trafilatura favor_precision + metadata": lambda d: _text(trafilatura.bare_extraction(
            d, favor_precision=True, include_comments=False, with_metadata=True)),
        "readability-lxml": readability_text,
        "cleaner html": lambda d: cleaner.clean(d, source="page.html", html=True).text,
    }


def run(fn: Callable[[bytes], str], pages: list[bytes], repeat: int) -> tuple[list[str], float]:
    """Outputs and the fastest total time over `repeat` passes."""
    fn(pages[0])
    best, outs = float("inf"), []
    for _ in range(repeat):
        outs, total = [], 0.0
        for data in pages:
            t0 = time.perf_counter()
            outs.append(fn(data))
            total += time.perf_counter() - t0
        best = min(best, total)
    return outs, best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=EVAL / "data", help="the evaluation's data folder")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--repeat", type=int, default=2, help="timing passes; the fastest is kept")
    args = ap.parse_args()

    score = load_scorer(EVAL / "score.py")
    docs = score.list_docs("scrapinghub", args.split, args.data)
    pages = [(d / "page.html").read_bytes() for d in docs]
    truths = [score.read_text(d / "truth.txt") for d in docs]
    speed = {}
    print(f"scrapinghub/{args.split}, {len(docs)} pages, trafilatura {trafilatura.__version__}")
    for name, fn in systems().items():
        outs, seconds = run(fn, pages, args.repeat)
        res, _ = score.score_docs(list(zip(truths, outs)))
        speed[name] = len(pages) / seconds
        print(score.fmt_row(name, res, f"  {speed[name]:6.1f} docs/s"))
    # the last one is trafilatura run as cleaner runs it: the rest is what cleaner adds
    for base in ("trafilatura default", "trafilatura favor_precision", "trafilatura favor_precision + metadata"):
        print(f"throughput of cleaner html vs {base}: {speed['cleaner html'] / speed[base]:.2f}x")


if __name__ == "__main__":
    main()
