#!/usr/bin/env python3
"""How good the site-template evidence is: issue 16's measurement on daniel's dev pages.

    python benchmarks/templates_bench.py [--corpus daniel] [--variant innertext] [--min-pages 5]
                                         [--share 0.5] [--jobs N] [--json FILE]

Every page of the corpus (read as `corpora.py` finds them) is built by the text front door
(`Cleaner.build`, as the cleaning pass and `cleaner templates` build it) from its rendering; its
site is the host in its id (``20111101_www.express.gr_<hash>`` -> ``www.express.gr``). The lines of
all pages are counted per site with `cleaner.decide.templates.Templates`; then each line of each page is
labelled main content or not by `cleaner.score.labels.align` against truth.txt. Per site with at least
``--min-pages`` pages: pages, lines, and the share of its lines seen on at least ``--share`` of
the site's pages (template lines), split into main content and junk, and the junk share of the
template lines (the evidence's precision: it should be close to 1).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import VARIANTS, pages  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.score.labels import align  # noqa: E402
from cleaner.decide.templates import PageLines, Templates, page_lines  # noqa: E402

_ID = re.compile(r"^\d+_(.+)_[0-9a-f]+$")


def site_of(page: Path) -> str:
    """The host in a page's id (``20111101_www.express.gr_<hash>``), else the id."""
    m = _ID.match(page.name)
    return m.group(1) if m else page.name


def _page(args: tuple[str, str]) -> tuple[str, PageLines, list[tuple[str, bool]]]:
    """Worker: a page's site, its lines as templates count them, and each line with its label."""
    path, variant = args
    page = Path(path)
    text = (page / VARIANTS[variant]).read_text(encoding="utf-8", errors="replace")
    doc, _ = Cleaner().build(text, str(page), input_format="text")
    site = site_of(page)
    lines = [ln.text for ln in doc.lines]
    labels = align((page / "truth.txt").read_text(encoding="utf-8", errors="replace"), lines)
    return site, page_lines(doc, site), list(zip(lines, labels))


def measure(corpus: str, variant: str, share: float, jobs: int) -> tuple[Templates, dict[str, dict[str, int]]]:
    """Count the templates, then tally per site: pages, lines, template lines that are main content
    and that are junk."""
    work = [(str(p), variant) for p in pages(corpus)]
    with ProcessPoolExecutor(jobs) as pool:
        done = list(pool.map(_page, work, chunksize=8))
    templates = Templates()
    for _, counted, _ in done:
        templates.add(counted)
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"pages": 0, "lines": 0, "main": 0, "junk": 0,
                                                           "template main": 0, "template junk": 0})
    for site, _, labelled in done:
        t = tally[site]
        t["pages"] += 1
        for text, main in labelled:
            pages_with, site_pages = templates.share(site, text)
            kind = "main" if main else "junk"
            t["lines"] += 1
            t[kind] += 1
            if site_pages and pages_with >= share * site_pages:
                t["template " + kind] += 1
    return templates, dict(tally)


def _row(name: str, t: dict[str, int]) -> str:
    lines = t["lines"] or 1
    template = t["template main"] + t["template junk"]
    precision = f"{t['template junk'] / template:.3f}" if template else "-"
    return (f"| {name} | {t['pages']} | {t['lines']} | {template / lines:.3f} | {t['template main'] / lines:.3f} | "
            f"{t['template junk'] / lines:.3f} | {t['template junk'] / (t['junk'] or 1):.3f} | {precision} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="daniel")
    ap.add_argument("--variant", default="innertext", choices=sorted(VARIANTS))
    ap.add_argument("--min-pages", type=int, default=5, help="sites with fewer pages are left out of the table")
    ap.add_argument("--share", type=float, default=0.5, help="a template line is on at least this share of the pages")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the tally as JSON")
    args = ap.parse_args()
    templates, tally = measure(args.corpus, args.variant, args.share, args.jobs)
    shown = {s: t for s, t in sorted(tally.items(), key=lambda st: (-st[1]["pages"], st[0]))
             if t["pages"] >= args.min_pages}
    print(f"{args.corpus} {args.variant}: {len(tally)} sites, {sum(t['pages'] for t in tally.values())} pages; "
          f"template line: on >= {args.share:.0%} of its site's pages")
    print("| site | pages | lines | template lines | of them main content | of them junk | "
          "share of the junk found | junk share of template lines |")
    print("|---|---|---|---|---|---|---|---|")
    for site, t in shown.items():
        print(_row(site, t))
    for name, group in ((f"sites with >= {args.min_pages} pages", shown), ("all sites", tally)):
        total = {k: sum(t[k] for t in group.values()) for k in next(iter(tally.values()))}
        print(_row(f"**{name}**", total))
    if args.json:
        args.json.write_text(json.dumps({"share": args.share, "sites": tally}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
