#!/usr/bin/env python3
"""How often each bundled rule's matches are main content, on every corpus of ../shared/eval.

    python benchmarks/rule_precision.py [--corpus C ...] [--variant V ...] [--jobs N] [--show RULE]

Every line of every page (as the pipeline builds it: wrap repair, Markdown parsing) is labelled by
`cleaner.score.labels.align` against the page's truth (daniel's title line left out, as in training),
and given to `RuleSet.match`, the rule the pipeline would apply to it. Per rule: the lines it takes,
their tokens, and the share of those tokens that are main content, per corpus and in all; a
certain rule (one that decides alone) should stay at 0.5% or less on every corpus, and is marked
``!`` where it does not. Only the matched lines themselves are counted (what a tail or end heading cuts
after it is not). ``--show RULE`` prints that rule's matched content lines.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpora import CORPORA, pages
from linedata import TOKEN, _build, _labelled, _rules

RENDERINGS = ("innertext", "inscriptis", "markdown")
CERTAIN_SHARE = 0.005  # a certain rule's matched tokens that may be main content


def _page(args: tuple[str, str, str, str | None]) -> tuple[str, Counter, list[str]]:
    """Per rule id of one page and rendering: matched lines, content and junk tokens; and the
    content lines of the rule `show`."""
    corpus, path, rendering, show = args
    page = Path(path)
    doc = _build(corpus, page, rendering)
    texts, labels = _labelled(corpus, page, doc)
    rules = _rules()
    counts: Counter = Counter()
    shown = []
    for text, content in zip(texts, labels):
        hit = rules.match(text)
        if hit is None:
            continue
        rule_id, n = hit[0].id, len(TOKEN.findall(text))
        counts[(rule_id, "lines")] += 1
        counts[(rule_id, "content" if content else "junk")] += n
        if content and rule_id == show:
            shown.append(f"{corpus}/{page.name}/{rendering}: {text[:160]}")
    return corpus, counts, shown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=list(CORPORA))
    ap.add_argument("--variant", nargs="+", default=list(RENDERINGS), choices=RENDERINGS)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--show", help="print the content lines this rule id matches")
    args = ap.parse_args()
    work = [(c, str(p), r, args.show) for c in args.corpus for p in pages(c) for r in args.variant]
    by_corpus: dict[str, Counter] = defaultdict(Counter)
    with ProcessPoolExecutor(args.jobs) as pool:
        for corpus, counts, shown in pool.map(_page, work, chunksize=8):
            by_corpus[corpus].update(counts)
            for line in shown:
                print(line)
    certain = {r.id: r.certain for r in _rules().all_rules}
    ids = sorted({rule_id for counts in by_corpus.values() for rule_id, _ in counts})
    print(f"rule matches on {', '.join(args.corpus)} ({', '.join(args.variant)}): lines, tokens, "
          f"content share per corpus and in all ('!': a certain rule above {CERTAIN_SHARE:.1%} on a corpus)")
    print(f"{'rule':34} {'certain':7} {'lines':>7} {'tokens':>8} " + " ".join(f"{c[:11]:>11}" for c in args.corpus)
          + f" {'all':>7}")
    for rule_id in ids:
        shares, worst, content, total, lines = [], 0.0, 0, 0, 0
        for c in args.corpus:
            k = by_corpus[c]
            n = k[(rule_id, "content")] + k[(rule_id, "junk")]
            shares.append(f"{k[(rule_id, 'content')] / n:11.4f}" if n else f"{'-':>11}")
            worst = max(worst, k[(rule_id, "content")] / n if n else 0.0)
            content, total, lines = content + k[(rule_id, "content")], total + n, lines + k[(rule_id, "lines")]
        share = content / total if total else 0.0
        flag = "!" if certain.get(rule_id) and worst > CERTAIN_SHARE else " "
        print(f"{rule_id:34} {'yes' if certain.get(rule_id) else 'no':7} {lines:7d} {total:8d} "
              + " ".join(shares) + f" {share:7.4f}{flag}")


if __name__ == "__main__":
    main()
