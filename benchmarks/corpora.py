#!/usr/bin/env python3
"""cleaner on every corpus of ../shared/eval and every rendering, in one run, with the breakdowns.

    python benchmarks/corpora.py [--corpus C ...] [--variant V ...] [--jobs N] [--sample K] [--json FILE]
                                 [--learn-templates [--by-site]]

Corpora are read where ``../shared/eval/unpack.py`` put them (``$EVALDATA``, else
``~/.cache/cleaner-eval``, else ``../shared/eval/data``). Every page's rendering is cleaned in-process
(N worker processes) and scored with `cleaner.score.evaluate` (the benchmark's metric). One row per corpus
and rendering, then one per page type (wcxb) or language (daniel); ``--keep-all`` adds the
keep-everything anchor. ``--sample K`` takes every K-th page, for quick looks (never for decisions).
``--learn-templates`` cleans each corpus as one batch with site templates (as ``cleaner clean
--learn-templates`` does: every page's lines counted per site first; the site is the host of the
page's URL, or in daniel the host in its id), ``--by-site`` adds a row per site of 5 pages or more.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from cleaner.score.evaluate import DocScore, score_doc, summarize

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"
CORPORA = ("scrapinghub", "wcxb", "daniel")
VARIANTS = {"innertext": "innertext.txt", "chunked": "chunked.txt", "inscriptis": "inscriptis.txt",
            "markdown": "markdown.txt", "html": "page.html"}
DEFAULT_VARIANTS = ("innertext", "chunked", "inscriptis", "markdown")


def data_root() -> Path:
    """Where the unpacked corpora are (as ../shared/eval/score.py finds them)."""
    cache = Path.home() / ".cache" / "cleaner-eval"
    return Path(os.environ.get("EVALDATA") or (cache if cache.exists() else EVAL / "data"))


def pages(corpus: str, root: Path | None = None, split: str = "dev") -> list[Path]:
    base = (root or data_root()) / corpus / split
    if not base.is_dir():
        raise SystemExit(f"no corpus at {base}: run python ../shared/eval/unpack.py first")
    return sorted(p for p in base.iterdir() if p.is_dir())


def group_of(page: Path) -> str:
    """The page's type (wcxb) or language (daniel); '' when the corpus has neither."""
    meta = json.loads((page / "meta.json").read_text(encoding="utf-8"))
    return meta.get("page_type") or meta.get("language") or ""


def site_of(corpus: str, page: Path) -> str:
    """The page's site: the host in a daniel id, else the host of the URL in meta.json (else its name)."""
    if corpus == "daniel":
        return page.name.split("_")[1]
    meta = json.loads((page / "meta.json").read_text(encoding="utf-8"))
    return urlparse(meta.get("url") or "").netloc or page.name


def learn_templates(paths: list[Path], sites: list[str]):
    """The site templates of a batch: every page's lines counted per site (`cleaner.decide.templates`)."""
    from cleaner import Cleaner
    from cleaner.decide.templates import Templates, page_lines
    front, templates = Cleaner(), Templates()
    for path, site in zip(paths, sites):
        doc, _ = front.build(path.read_bytes(), source=str(path), metadata=False)
        templates.add(page_lines(doc, site))
    return templates


_cleaner = None


def _start(templates=None) -> None:
    """Worker start: one cleaner, with the batch's templates when given."""
    global _cleaner
    from cleaner import Cleaner
    _cleaner = Cleaner(templates=templates)


def _clean(args: tuple[str, str, dict]) -> tuple[str, float]:
    """Worker: clean one file; the cleaned text and the seconds it took."""
    path, variant, options = args
    if _cleaner is None:
        _start()
    data = Path(path).read_bytes()
    start = time.perf_counter()
    text = _cleaner.clean(data, source=path, **options).text
    return text, time.perf_counter() - start


def clean_all(paths: list[Path], variant: str, jobs: int, options: dict, templates=None,
              sites: list[str] | None = None) -> tuple[list[str], float]:
    """Clean every file (with the batch's templates and each page's site when given)."""
    work = [(str(p), variant, dict(options, site=s) if sites else options)
            for p, s in zip(paths, sites or [None] * len(paths))]
    if jobs <= 1:
        _start(templates)
        out = [_clean(w) for w in work]
    else:
        with ProcessPoolExecutor(jobs, initializer=_start, initargs=(templates,)) as pool:
            out = list(pool.map(_clean, work, chunksize=8))
    return [t for t, _ in out], sum(s for _, s in out)


def row(name: str, scores: list[DocScore], extra: str = "") -> str:
    s = summarize(scores)
    return (f"{name:<34} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  junk {s.junk:.3f}  "
            f"lost {s.lost:.3f}  wf1 {s.wf1:.3f}  empty {s.empty:>3}/{s.n}{extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=CORPORA)
    ap.add_argument("--variant", nargs="+", default=list(DEFAULT_VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--sample", type=int, default=1, help="every K-th page only (a quick look)")
    ap.add_argument("--keep-all", action="store_true", help="add the keep-everything rows")
    ap.add_argument("--no-groups", action="store_true", help="no per-type / per-language rows")
    ap.add_argument("--json", type=Path, help="write every page's scores here")
    ap.add_argument("--learn-templates", action="store_true", help="clean each corpus as one batch with site templates")
    ap.add_argument("--by-site", action="store_true", help="a row per site of 5 pages or more")
    args = ap.parse_args()

    report: dict[str, dict] = {}
    for corpus in args.corpus:
        docs = pages(corpus)[::args.sample]
        groups = [group_of(p) for p in docs]
        truths = [(p / "truth.txt").read_text(encoding="utf-8") for p in docs]
        sites = [site_of(corpus, p) for p in docs]
        for variant in args.variant:
            paths = [p / VARIANTS[variant] for p in docs]
            t0 = time.perf_counter()
            templates = learn_templates(paths, sites) if args.learn_templates else None
            outs, seconds = clean_all(paths, variant, args.jobs, {}, templates, sites if templates else None)
            wall = time.perf_counter() - t0
            scores = [score_doc(t, o) for t, o in zip(truths, outs)]
            print(row(f"{corpus} {variant}", scores, f"  {len(docs) / seconds:6.1f} docs/s/proc, {wall:.0f} s"))
            if args.keep_all and variant != "html":
                kept = [score_doc(t, p.read_text(encoding="utf-8", errors="replace")) for t, p in zip(truths, paths)]
                print(row("  keep everything", kept))
            if not args.no_groups and any(groups):
                by: dict[str, list[DocScore]] = defaultdict(list)
                for g, s in zip(groups, scores):
                    by[g].append(s)
                for g in sorted(by, key=lambda g: -len(by[g])):
                    print(row(f"  {g}", by[g]))
            if args.by_site:
                per: dict[str, list[DocScore]] = defaultdict(list)
                for s, sc in zip(sites, scores):
                    per[s].append(sc)
                for s in sorted(per, key=lambda s: -len(per[s])):
                    if len(per[s]) >= 5:
                        print(row(f"  site {s}", per[s]))
            report[f"{corpus}/{variant}"] = {p.name: {"group": g, "site": site, **s.to_dict()}
                                             for p, g, site, s in zip(docs, groups, sites, scores)}
            sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
