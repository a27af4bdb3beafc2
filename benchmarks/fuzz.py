#!/usr/bin/env python3
"""Fuzz the reader, wrap repair, the rules and the whole cleaner for a fixed time budget.

    python benchmarks/fuzz.py --seconds 60            # atheris (coverage-guided) if installed
    python benchmarks/fuzz.py --seconds 60 --engine hypothesis

Each input picks a target by its first byte: `read.decode` (raw bytes: anything but `NotText`
is a crash), `wraps.repair`, `RuleSet.match` line by line (the bundled rules), `rules.load_file`
on the bytes as a rule file (anything but `RuleError` is a crash), `cleaner.clean`, or a line of
1 MB without spaces made by repeating the input (minified script, base64 blobs and dotted chains
are such lines): cleaning a document holding it must finish within LONG_LINE_SECONDS, a
quadratic pattern takes hours there. The atheris corpus starts from the seed documents. A crash stops the run with the input saved
(atheris: ./crash-*) or printed (hypothesis, shrunk); make it a regression test.
`pip install atheris` first for the coverage-guided engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONG_LINE_CHARS = 1_000_000
LONG_LINE_SECONDS = 60.0  # linear code cleans such a line in about a second


def make_target():
    """The function run on every fuzz input (imports cleaner, so atheris can instrument it first)."""
    from cleaner import clean
    from cleaner.io.read import NotText, decode, looks_like_html
    from cleaner.decide.rules import RuleError, RuleSet, RuleTimeout, load_file
    from cleaner.decide.wraps import repair

    rules = RuleSet.load()
    rule_file = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-")) / "rules.toml"

    def as_text(data: bytes) -> str:
        return data.decode("utf-8", errors="replace")

    def reader(data: bytes) -> None:
        try:
            text = decode(data)
        except NotText:
            return
        assert isinstance(text, str)
        looks_like_html(text, "x.txt")

    def wraps(data: bytes) -> None:
        for line in repair(as_text(data)):
            assert "\n" not in line.text

    def match(data: bytes) -> None:
        for line in as_text(data).splitlines():
            try:
                rules.match(line)
            except RuleTimeout as e:  # a slow rule is a finding to report, not a crash of the fuzzer
                print(f"fuzz: RuleTimeout: {e}", file=sys.stderr)

    def rule_files(data: bytes) -> None:
        rule_file.write_bytes(data)
        try:
            load_file(rule_file)
        except RuleError:
            pass

    def whole(data: bytes) -> None:
        try:
            clean(as_text(data), html=False)
        except RuleTimeout as e:
            print(f"fuzz: RuleTimeout: {e}", file=sys.stderr)

    def long_line(data: bytes) -> None:
        unit = "".join(as_text(data).split()) or "x"
        line = (unit * (LONG_LINE_CHARS // len(unit) + 1))[:LONG_LINE_CHARS]
        start = time.monotonic()
        try:
            clean(f"A headline\n\n{line}\n", html=False)
        except RuleTimeout as e:
            print(f"fuzz: RuleTimeout: {e}", file=sys.stderr)
        seconds = time.monotonic() - start
        assert seconds < LONG_LINE_SECONDS, f"a 1 MB line of {unit[:40]!r}... took {seconds:.0f} s"

    targets = (reader, wraps, match, rule_files, whole, long_line)

    def one_input(data: bytes) -> None:
        if data:
            targets[data[0] % len(targets)](data[1:])

    return one_input


def seed_corpus() -> Path:
    """A corpus folder: every seed document once per target."""
    corpus = Path(tempfile.mkdtemp(prefix="cleaner-corpus-"))
    seeds = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    seeds.append((ROOT / "rules" / "nav.toml").read_bytes())
    for i, seed in enumerate(seeds):
        for t in range(6):
            (corpus / f"{i}-{t}").write_bytes(bytes([t]) + seed[:4096])
    return corpus


def run_atheris(seconds: int) -> None:
    import atheris

    with atheris.instrument_imports():
        one_input = make_target()
    corpus = seed_corpus()
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-rss_limit_mb=4096", "-max_len=8192",
                   "-timeout=30", str(corpus)], one_input)
    atheris.Fuzz()


def run_hypothesis(seconds: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    one_input = make_target()
    runs = 0

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.binary(max_size=4096) | st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")))
    def batch(data: bytes) -> None:
        nonlocal runs
        runs += 1
        one_input(data)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        batch()
    print(f"fuzz: {runs} inputs in {seconds} s, no crash")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60, help="time budget (default 60)")
    ap.add_argument("--engine", choices=["atheris", "hypothesis"], help="default: atheris if installed")
    args = ap.parse_args()
    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    (run_atheris if engine == "atheris" else run_hypothesis)(args.seconds)


if __name__ == "__main__":
    main()
