"""Speed benchmark: cleaner's text path against trafilatura, --jobs scaling, memory and start-up.

    python benchmarks/speed.py [--data DEV_DIR] [--quick]

DEV_DIR holds one folder per document with ``innertext.txt`` and ``page.html`` (the benchmark
dev set; default ../shared/eval/data/scrapinghub/dev beside the repository). Measured in one run:

1. text path, one process, in-process: documents/s of ``Cleaner.clean`` on the innertext pages
   against ``trafilatura.extract`` on the same pages' HTML (goal: at least 10x, issue 15);
2. ``cleaner clean --jobs 2`` against ``--jobs 1`` on the dev set repeated (goal: at least 0.9 N on N cores: 1.8x);
3. peak memory (RSS) of ``cleaner clean`` on 1,000 and on 10,000 documents (goal: flat);
4. CLI start-up: wall time of ``cleaner clean -`` on one small document on stdin (goal: < 0.3 s).

``--quick`` runs every measurement on a few documents only (a smoke run for CI, < 30 s); its
figures are not meaningful. No figure is asserted: the machine decides them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "data" / "scrapinghub" / "dev"
SMALL_DOC = ("Leaders agree to keep talking\n\nThe two leaders met on Monday in the capital and agreed to keep "
             "talking about trade and security over the coming months, officials said.\n")
# Runs the CLI in this process, then reports its own peak RSS and its workers' (KiB on Linux).
_RSS_RUNNER = """
import resource, sys
from cleaner.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def docs_per_second(fn, items: list, passes: int, reset=None) -> float:
    """Rate of `fn` over `items` after one warm-up call (one-time loading is start-up, not rate): the
    fastest of `passes` passes, `reset()` called before each (to empty caches of earlier passes)."""
    fn(items[0])
    best = float("inf")
    for _ in range(passes):
        if reset is not None:
            reset()
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def forget_lines() -> None:
    """Empty cleaner's per-line caches, so a pass over documents seen before costs what a first pass does."""
    from cleaner.decide import caches

    caches.clear()


def text_vs_trafilatura(folders: list[Path], passes: int) -> tuple[float, float, bool]:
    """(cleaner docs/s, trafilatura docs/s, whether the text path imported trafilatura)."""
    from cleaner import Cleaner

    cleaner = Cleaner()
    texts = [(f / "innertext.txt").read_text(encoding="utf-8") for f in folders]
    ours = docs_per_second(cleaner.clean, texts, passes, reset=forget_lines)
    imported = "trafilatura" in sys.modules
    import trafilatura

    pages = [(f / "page.html").read_text(encoding="utf-8", errors="replace") for f in folders]
    theirs = docs_per_second(trafilatura.extract, pages, passes)
    return ours, theirs, imported


def link_copies(folders: list[Path], n: int, into: Path) -> Path:
    """A folder of `n` documents: symbolic links to the innertext pages, repeated, 100 per subfolder."""
    for i in range(n):
        link = into / f"{i // 100:04d}" / f"{i:06d}.txt"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(folders[i % len(folders)] / "innertext.txt")
    return into


def cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], input=stdin, capture_output=True, text=True,
                          check=True, env=env)


def time_cli(*args: str) -> float:
    start = time.perf_counter()
    cli(*args)
    return time.perf_counter() - start


def peak_rss_mib(src: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(main process, largest worker) peak RSS in MiB of cleaning folder `src`."""
    res = subprocess.run([sys.executable, "-c", _RSS_RUNNER, "clean", str(src), "-o", str(out), "-q",
                          "--jobs", str(jobs)], capture_output=True, text=True, check=True)
    line = next(ln for ln in res.stderr.splitlines() if ln.startswith("RSS "))
    own, children = (int(v) / 1024 for v in line.split()[1:])
    return own, children


def startup_seconds(runs: int) -> float:
    """Median wall time of the CLI on one small document, as an installed user runs it: with Python's
    cached bytecode (a shell with PYTHONDONTWRITEBYTECODE set compiles every module on every start,
    about 0.1 s more), after one run that writes it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli("clean", "-", stdin=SMALL_DOC, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        cli("clean", "-", stdin=SMALL_DOC, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the dev set folder")
    parser.add_argument("--quick", action="store_true", help="a smoke run on a few documents")
    args = parser.parse_args()
    folders = sorted(p for p in args.data.iterdir() if (p / "innertext.txt").is_file() and (p / "page.html").is_file())
    if not folders:
        sys.exit(f"speed.py: no documents with innertext.txt and page.html in {args.data}")
    quick = args.quick
    if quick:
        folders = folders[:20]
    jobs_docs, mem_small, mem_large = (100, 50, 200) if quick else (30 * len(folders), 1_000, 10_000)

    print(f"cleaner speed benchmark: {len(folders)} dev documents from {args.data}, {os.cpu_count()} CPUs"
          + (" (--quick: figures not meaningful)" if quick else ""))
    ours, theirs, imported = text_vs_trafilatura(folders, 1 if quick else 3)
    print(f"text path, 1 process: {ours:.1f} docs/s;  trafilatura.extract on the same pages' HTML: {theirs:.1f} docs/s;"
          f"  ratio {ours / theirs:.1f}x (goal >= 10x)")
    print(f"trafilatura imported by the text path: {'YES' if imported else 'no'}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        src = link_copies(folders, jobs_docs, tmp_path / "jobs")
        t1 = time_cli("clean", str(src), "-o", str(tmp_path / "out1"), "-q", "--jobs", "1")
        t2 = time_cli("clean", str(src), "-o", str(tmp_path / "out2"), "-q", "--jobs", "2")
        same = subprocess.run(["diff", "-r", "-q", str(tmp_path / "out1"), str(tmp_path / "out2")]).returncode == 0
        print(f"--jobs 1 vs --jobs 2 on {jobs_docs} docs (CLI, start-up included): {t1:.1f} s vs {t2:.1f} s"
              f"   speed-up {t1 / t2:.2f}x (goal >= 1.8x); outputs identical: {'yes' if same else 'NO'}")

        rss = {}
        for n in (mem_small, mem_large):
            docs = link_copies(folders, n, tmp_path / f"mem{n}")
            rss[n] = peak_rss_mib(docs, tmp_path / f"memout{n}", jobs=2)
        (own_s, work_s), (own_l, work_l) = rss[mem_small], rss[mem_large]
        print(f"peak RSS, --jobs 2: {mem_small} docs: main {own_s:.0f} MiB, worker {work_s:.0f} MiB;"
              f"   {mem_large} docs: main {own_l:.0f} MiB, worker {work_l:.0f} MiB"
              f"   (ratio {max(own_l, work_l) / max(own_s, work_s):.2f}; flat is ~1)")

    print(f"CLI start-up, one small document on stdin: {startup_seconds(3 if quick else 7):.2f} s (median; goal < 0.3 s)")


if __name__ == "__main__":
    main()
