#!/usr/bin/env python3
"""The fast paths against their references, on every page of every corpus and rendering.

    python benchmarks/reference.py [--sample K] [--jobs N]

1. Rules: on every line (as read, and stripped) the RE2 prefilter reports every rule whose
   `regex` pattern matches it (a superset: a miss would lose a rule's decision), and
   `RuleSet.match` returns the same rule and span with the prefilter as without it.
2. Trees: on every page's evidence rows, the compiled walk gives the numpy walk's scores (to
   1e-9) and the same removals, for both passes.
3. Per-line figures: on every line (as read, stripped, and as the pipeline built it) the compiled
   figures (`cleaner/decide/_figures.pyx`: shape figures, words, word counts, content words, with the
   stoplist of the page's language) equal their `regex` references exactly.

Pages are read where ``../shared/eval/unpack.py`` put them (see ``benchmarks/corpora.py``);
``--sample K`` takes every K-th file. Prints one line per check and exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

from corpora import data_root

from cleaner.decide import evidence, features, language, model
from cleaner.decide.language import stoplist
from cleaner.decide.rules import RuleSet
from cleaner.pipeline import build

RENDERINGS = ("innertext.txt", "inscriptis.txt", "chunked.txt", "markdown.txt")


class _NoPrefilter:
    @staticmethod
    def possible(text: str) -> None:
        return None


@cache
def rule_sets() -> tuple[RuleSet, RuleSet]:
    """The bundled rules with the prefilter, and without it (built once per worker process)."""
    reference = RuleSet.load()
    reference.__dict__["_prefilter"] = _NoPrefilter()
    return RuleSet.load(), reference


def figures_differ(line: str, stops: frozenset[str]) -> str | None:
    """Which compiled per-line figures differ from their reference on `line`, if any."""
    if evidence.shape_figures(line) != evidence.shape_reference(line):
        return "shape figures"
    if features.word_counts(line, stops) != features.word_counts_reference(line, stops):
        return "word counts"
    if evidence.content_words_of(line, stops) != evidence.content_words_reference(line, stops):
        return "content words"
    if language.words_of(line) != language.WORD.findall(line):
        return "words"
    return None


def check_file(path: Path) -> tuple[int, int, list[str], int, list[str]]:
    """(lines, rows, rule differences, lines the prefilter passed, compiled-vs-reference differences of the
    tree walk and the per-line figures) of one file."""
    rules, reference = rule_sets()
    text = path.read_text(encoding="utf-8", errors="replace")
    doc = build(text)
    stops = stoplist(doc.language)
    lines = passed = 0
    rule_diffs: list[str] = []
    compiled_diffs = [f"{path}: {what} differ on {line[:80]!r}" for line in {ln.text for ln in doc.lines}
                      if (what := figures_differ(line, stops))]
    for raw in text.splitlines():
        for line in {raw, raw.strip()} - {""}:
            lines += 1
            if what := figures_differ(line, stops):
                compiled_diffs.append(f"{path}: {what} differ on {line[:80]!r}")
            possible = rules._prefilter.possible(line)
            passed += possible is None or bool(possible)
            if possible is not None:
                missed = [r.id for k, r in enumerate(rules._ordered) if k not in possible and r.compiled.search(line)]
                rule_diffs += [f"{path}: prefilter missed {rid} on {line[:80]!r}" for rid in missed]
            a, b = rules.match(line), reference.match(line)
            if (a and (a[0].id, a[1].span())) != (b and (b[0].id, b[1].span())):
                rule_diffs.append(f"{path}: match differs on {line[:80]!r}")
    ev = evidence.gather(doc, rules)
    x = ev.matrix
    m = model.load()
    rows = np.hstack([x, model.sequence_features(np.full(len(x), 0.5), x, ev.words)])
    for name, forest, data in (("first", m.first, x), *((f"later {k}", f, rows) for k, f in enumerate(m.later, 2))):
        fast, slow = forest.score(data), forest.score(data, compiled=False)
        if not (np.allclose(fast, slow, rtol=0, atol=1e-9) and np.array_equal(fast < 0, slow < 0)):
            compiled_diffs.append(f"{path}: {name} pass differs (max {np.abs(fast - slow).max():.2g})")
    return lines, len(x), rule_diffs, passed, compiled_diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=1, help="every K-th file")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if model.sum_at_leaves is None or evidence.shape_figures is evidence.shape_reference:
        print("the compiled tree walk or per-line figures are not built (pip install .)", file=sys.stderr)
        return 1
    files = [f for f in sorted(data_root().glob("*/dev/*/*.txt")) if f.name in RENDERINGS][::args.sample]
    lines = rows = passed = 0
    rule_diffs: list[str] = []
    compiled_diffs: list[str] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for n, r, rd, p, td in pool.map(check_file, files, chunksize=16):
            lines, rows, passed = lines + n, rows + r, passed + p
            rule_diffs += rd
            compiled_diffs += td
    print(f"{len(files)} files, {lines:,} lines: prefilter passed {passed / max(lines, 1):.1%} to `regex`; "
          f"missed rule matches and differing matches: {len(rule_diffs)}")
    print(f"{rows:,} evidence rows, two passes, and every line's figures: compiled vs reference "
          f"differences: {len(compiled_diffs)}")
    for d in (rule_diffs + compiled_diffs)[:20]:
        print("  " + d)
    return 1 if rule_diffs or compiled_diffs else 0


if __name__ == "__main__":
    sys.exit(main())
