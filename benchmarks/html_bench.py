#!/usr/bin/env python3
"""cleaner's HTML path beside each extractor alone, on every page of every corpus, in one run.

    python benchmarks/html_bench.py [--corpus C ...] [--jobs N] [--sample K] [--system S ...]

Every system gets the same page.html bytes, in-process, in N worker processes (each warmed up on
one page first); each call is timed alone (no reading, no scoring), so docs/s is per process. The
scores are the benchmark's (`cleaner.score.evaluate`, identical to ../shared/eval/score.py): F1 / P / R,
junk, lost, WCXB's word F1, empty outputs, failures (exceptions: counted and scored as empty). One
table per corpus, the F1 of each system per page type (wcxb) or language (daniel), and a table of
all pages together. cleaner runs as `cleaner clean` does for text output (no metadata); ``--fast``
is its one-extractor mode. For cleaner's rows, "given back" counts the pages whose output, cleaned
again (as text), comes back unchanged. ``--sample K`` takes every K-th page, for quick looks only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0:1] = [str(REPO)]  # not benchmarks/ first: its script names must not shadow modules
sys.path.append(str(REPO / "benchmarks"))

from corpora import CORPORA, group_of, pages  # noqa: E402  (benchmarks/corpora.py)

from cleaner.score.evaluate import DocScore, score_doc, summarize  # noqa: E402


def systems() -> dict[str, Callable[[bytes], str]]:
    import trafilatura

    from cleaner import Cleaner
    from cleaner.html.extractors import readability, resiliparse
    from cleaner.io.read import decode_html as decode

    cleaner, fast = Cleaner(), Cleaner(fast=True)
    return {
        "trafilatura default": lambda d: trafilatura.extract(d) or "",
        "trafilatura no comments": lambda d: trafilatura.extract(d, include_comments=False) or "",
        "trafilatura favor_precision": lambda d: trafilatura.extract(d, favor_precision=True,
                                                                     include_comments=False) or "",
        "trafilatura favor_recall": lambda d: trafilatura.extract(d, favor_recall=True, include_comments=False) or "",
        "readability-lxml": lambda d: readability(decode(d)),
        "resiliparse": lambda d: resiliparse(decode(d)),
        "cleaner html --fast": lambda d: fast.clean(d, source="page.html", html=True, metadata=False).text,
        "cleaner html": lambda d: cleaner.clean(d, source="page.html", html=True, metadata=False).text,
    }


def _again(text: str) -> str:
    """cleaner's output cleaned again, as the text it is."""
    from cleaner import clean

    return clean(text, html=False).text


_systems: dict[str, Callable[[bytes], str]] = {}


def _run_page(args: tuple[str, tuple[str, ...]]) -> dict[str, tuple[DocScore, float, bool, bool | None]]:
    """Worker: every named system on one page: its score, the seconds it took, whether it failed,
    and for cleaner whether cleaning its output again gives it back (None for the others)."""
    page, names = Path(args[0]), args[1]
    if not _systems:
        _systems.update(systems(), again=_again)
        warm = (REPO / "tests" / "html" / "related.html").read_bytes()
        for name in names:
            _systems[name](warm)
    data = (page / "page.html").read_bytes()
    truth = (page / "truth.txt").read_text(encoding="utf-8")
    out = {}
    for name in names:
        start = time.perf_counter()
        try:
            text, failed = _systems[name](data), False
        except Exception:  # noqa: BLE001  (a failure is counted and scored as an empty output)
            text, failed = "", True
        seconds = time.perf_counter() - start
        again = _systems["again"](text) == text if name.startswith("cleaner") else None
        out[name] = (score_doc(truth, text), seconds, failed, again)
    return out


def row(name: str, results: list[tuple[DocScore, float, bool, bool | None]]) -> str:
    s = summarize([r[0] for r in results])
    seconds = sum(r[1] for r in results)
    again = [r[3] for r in results if r[3] is not None]
    return (f"{name:<28} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  junk {s.junk:.3f}  lost {s.lost:.3f}  "
            f"wf1 {s.wf1:.3f}  empty {s.empty:>3}  failed {sum(r[2] for r in results):>2}  "
            f"{len(results) / seconds if seconds else 0:6.1f} docs/s" + (f"  given back {sum(again)}/{len(again)}"
                                                                        if again else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=CORPORA)
    ap.add_argument("--system", nargs="+", help="only these systems (names as printed)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--sample", type=int, default=1, help="every K-th page only (a quick look)")
    args = ap.parse_args()
    import trafilatura

    names = tuple(args.system or systems())
    everything: dict[str, list] = defaultdict(list)
    print(f"trafilatura {trafilatura.__version__}; {args.jobs} processes; docs/s per process")
    for corpus in args.corpus:
        docs = pages(corpus)[::args.sample]
        groups = [group_of(p) for p in docs]
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_run_page, [(str(p), names) for p in docs], chunksize=4))
        print(f"\n== {corpus} ({len(docs)} pages)")
        for name in names:
            print(row(name, [r[name] for r in results]))
            everything[name].extend(r[name] for r in results)
        by = defaultdict(list)
        for g, r in zip(groups, results):
            by[g].append(r)
        if len(by) > 1:
            print(f"  F1 by {'page type' if corpus == 'wcxb' else 'language'}: " + "  ".join(
                f"{g} ({len(by[g])})" for g in sorted(by, key=lambda g: -len(by[g]))))
            for name in names:
                print(f"  {name:<28}" + "  ".join(f"{summarize([r[name][0] for r in by[g]]).f1:.3f}"
                                                 for g in sorted(by, key=lambda g: -len(by[g]))))
        sys.stdout.flush()
    if len(args.corpus) > 1:
        print(f"\n== all ({len(everything[names[0]])} pages)")
        for name in names:
            print(row(name, everything[name]))


if __name__ == "__main__":
    main()
