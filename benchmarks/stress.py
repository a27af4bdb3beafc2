#!/usr/bin/env python3
"""Stress the `cleaner clean` command: a big batch with faults mixed in, and huge single inputs.

    python benchmarks/stress.py batch --n 50000 --jobs 2   # every good input has one output,
                                                           # every bad one one error line
    python benchmarks/stress.py huge                       # 100 MB file, 10 MB line, 1,000,000
                                                           # lines, deep/unclosed HTML: time, memory
    python benchmarks/stress.py memory --n 15000           # Cleaner.clean_many over documents each
                                                           # with a distinct 20 KB paragraph: RSS

`batch` and `huge` run the installed `cleaner` command in a subprocess (PATH, or the one beside
this Python) and print a table; `batch` exits 1 when a check fails. `memory` runs in this process.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

WORDS = ("the minister said on Monday that talks would continue after a long meeting in the capital where "
         "officials agreed on trade and security measures for next year while critics warned of delays").split()
JUNK = ["SUBSCRIBE NOW", "Share this article", "Latest News", "Advertisement", "Picture: PA", "By Jane Doe"]
BINARY = [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\x1f\x8b\x08\x00\x00\x00",
          b"PK\x03\x04\x14\x00\x00\x00", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"]


def cleaner_command() -> list[str]:
    exe = shutil.which("cleaner") or str(Path(sys.executable).with_name("cleaner"))
    return [exe, "clean"]


def prose(rng: random.Random, nbytes: int) -> str:
    """Paragraphs of sentences with a junk line now and then, about `nbytes` long."""
    out, n = [], 0
    while n < nbytes:
        s = rng.choice(JUNK) if rng.random() < 0.1 else \
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 50))).capitalize() + "."
        out.append(s)
        n += len(s) + 2
    return "Leaders agree to keep talking\n\n" + "\n\n".join(out) + "\n"


# ---- batch -------------------------------------------------------------------------------------

Fault = Callable[[random.Random, Path, int], None]


def _write(data: bytes) -> Fault:
    return lambda rng, path, max_bytes: path.write_bytes(data)


FAULTS: dict[str, tuple[float, bool, Fault]] = {
    # name: (share of documents, is it a good input?, how to write it)
    "good": (0.90, True, lambda rng, p, m: p.write_text(prose(rng, rng.randint(300, 3000)), encoding="utf-8")),
    "bad-bytes": (0.03, True, lambda rng, p, m: p.write_bytes(
        prose(rng, 800).encode("utf-8") + bytes(rng.randrange(128, 256) for _ in range(20)) + b" the end.\n")),
    "windows-1252": (0.01, True, lambda rng, p, m: p.write_bytes(
        ("Café naïve “quoted” — " + prose(rng, 600)).encode("cp1252"))),
    "empty": (0.015, False, _write(b"")),
    "whitespace": (0.01, False, _write(b" \n\t\r\n  \n")),
    "binary": (0.02, False, lambda rng, p, m: p.write_bytes(rng.choice(BINARY) + os.urandom(2000))),
    "broken-link": (0.01, False, lambda rng, p, m: p.symlink_to(p.with_name("missing-target"))),
    "huge": (0.0004, False, lambda rng, p, m: p.write_text(prose(rng, m + 1000), encoding="utf-8")),
}


def make_batch(root: Path, n: int, max_bytes: int, seed: int = 7) -> dict[str, str]:
    """Write `n` documents into `root`; return {file name: fault name}."""
    rng = random.Random(seed)
    names, weights = zip(*[(k, v[0]) for k, v in FAULTS.items()])
    kinds = {}
    for i in range(n):
        kind = rng.choices(names, weights)[0]
        name = f"doc_{i:06d}.txt"
        FAULTS[kind][2](rng, root / name, max_bytes)
        kinds[name] = kind
    return kinds


def supports(option: str) -> bool:
    res = subprocess.run(cleaner_command() + ["--help"], capture_output=True, text=True)
    return option in res.stdout


def run_batch(n: int, jobs: int, max_bytes: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="cleaner-stress-"))
    src, out = work / "in", work / "out"
    src.mkdir()
    t0 = time.monotonic()
    kinds = make_batch(src, n, max_bytes)
    print(f"generated {n} documents in {time.monotonic() - t0:.0f} s under {work}")
    cmd = cleaner_command() + [str(src), "-o", str(out)]
    if supports("--jobs"):
        cmd += ["--jobs", str(jobs)]
    if supports("--max-bytes"):
        cmd += ["--max-bytes", str(max_bytes)]
    else:
        print("cleaner has no --max-bytes: huge documents count as good")
        kinds = {k: ("huge-ok" if v == "huge" else v) for k, v in kinds.items()}
    t0 = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.monotonic() - t0
    errors = Counter()
    for line in res.stderr.splitlines():
        for part in line.split():
            name = Path(part.rstrip(":")).name
            if name in kinds:
                errors[name] += 1
                break
    outputs = Counter(p.with_suffix(".txt").name for p in out.rglob("*") if p.is_file())
    good = {k for k, v in kinds.items() if FAULTS.get(v, (0, True))[1]}
    problems = Counter()
    table = Counter()
    for name, kind in kinds.items():
        want_output = name in good
        ok = outputs[name] == (1 if want_output else 0) and errors[name] == (0 if want_output else 1)
        table[kind, ok] += 1
        if not ok:
            problems[kind] += 1
    print(f"$ {' '.join(cmd[1:])}\nexit {res.returncode} after {seconds:.0f} s ({n / seconds:.0f} docs/s)")
    print(f"{'input':14} {'docs':>7} {'expected':>22} {'as expected':>12}")
    for kind in sorted({k for k, _ in table}, key=lambda k: -(table[k, True] + table[k, False])):
        total = table[kind, True] + table[kind, False]
        want = "one output" if FAULTS.get(kind, (0, True))[1] else "one error line"
        print(f"{kind:14} {total:7} {want:>22} {table[kind, True]:12}")
    stray = [ln for ln in res.stderr.splitlines() if not any(p.rstrip(':').endswith('.txt') for p in ln.split())]
    print(f"outputs {sum(outputs.values())} for {len(good)} good inputs; error lines {sum(errors.values())} "
          f"for {len(kinds) - len(good)} bad inputs; other stderr lines {len(stray)}")
    for ln in stray[:5]:
        print("  stderr:", ln)
    expected_exit = 1 if len(good) < len(kinds) else 0
    failed = bool(problems) or res.returncode != expected_exit
    print("FAIL: " + ", ".join(f"{k} {v}" for k, v in problems.items()) if failed else "all checks pass")
    shutil.rmtree(work)
    return 1 if failed else 0


# ---- huge ------------------------------------------------------------------------------------


# Forks and runs the command, waits, prints its exit code and peak RSS (KiB). A small process in
# between: Linux carries the memory high-water mark of a forking process into its child's peak, so a
# command forked from this one (which holds the generated inputs) would report this process's size.
_MEASURE = ("import os, sys\npid = os.fork()\nif pid == 0:\n    os.execvp(sys.argv[1], sys.argv[1:])\n"
            "_, status, usage = os.wait4(pid, 0)\nprint(os.waitstatus_to_exitcode(status), usage.ru_maxrss)")


def run_measured(cmd: list[str]) -> tuple[int, float, float]:
    """(exit code, seconds, peak memory in MB) of one command."""
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, check=True)
    code, kib = done.stdout.split()[-2:]
    return int(code), time.monotonic() - t0, int(kib) * 1024 / 1e6


def huge_inputs(root: Path, mb: int) -> dict[str, Path]:
    rng = random.Random(3)
    files = {
        f"{mb} MB text": ("big.txt", lambda: prose(rng, mb * 1_000_000)),
        "one 10 MB line": ("line.txt", lambda: prose(rng, 10_000_000).replace("\n\n", " ")),
        "1,000,000 short lines": ("lines.txt", lambda: "\n".join(f"Line {i} of the list" for i in range(1_000_000))),
        "HTML nested 100,000 deep": ("nested.html", lambda: "<html><body>" + "<div>" * 100_000
                                     + "<p>The article text, which goes on for a while, officials said.</p>" * 20
                                     + "</div>" * 100_000 + "</body></html>"),
        "HTML 100,000 unclosed tags": ("unclosed.html", lambda: "<html><body>" + "<p><b><i>Some text, " * 100_000),
    }
    out = {}
    for label, (name, make) in files.items():
        (root / name).write_text(make(), encoding="utf-8")
        out[label] = root / name
    return out


def run_huge(mb: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="cleaner-huge-"))
    print(f"{'input':28} {'size MB':>8} {'exit':>5} {'seconds':>8} {'MB/s':>6} {'peak RSS MB':>12} {'x size':>7}"
          "   (issue 15's goal: the big text at most 3x its size)")
    for label, path in huge_inputs(work, mb).items():
        size = path.stat().st_size / 1e6
        cmd = cleaner_command() + [str(path), "-o", str(work / "out")]
        if supports("--max-bytes"):
            cmd += ["--max-bytes", str(path.stat().st_size + 1)]
        code, seconds, rss = run_measured(cmd)
        print(f"{label:28} {size:8.1f} {code:5} {seconds:8.1f} {size / seconds:6.2f} {rss:12.0f} {rss / size:7.1f}",
              flush=True)
    shutil.rmtree(work)
    return 0


# ---- memory ----------------------------------------------------------------------------------


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def run_memory(n: int) -> int:
    """Resident memory while `Cleaner.clean_many` cleans `n` documents that each hold one distinct
    20 KB paragraph (the per-line caches held every such line: 15,000 of them grew to 570 MB)."""
    from cleaner import Cleaner

    rng = random.Random(5)

    def docs():
        for i in range(n):
            words = " ".join(rng.choice(WORDS) for _ in range(3300))
            yield f"Story number {i}\n\n{i} {words}.\n"

    print(f"{'documents':>10} {'RSS MB':>8}")
    start = time.monotonic()
    for done, _ in enumerate(Cleaner().clean_many(docs()), 1):
        if done % max(1, n // 10) == 0:
            print(f"{done:10} {rss_mb():8.0f}", flush=True)
    print(f"{n} documents in {time.monotonic() - start:.0f} s")
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    b = sub.add_parser("batch", help="many small documents with faults mixed in")
    b.add_argument("--n", type=int, default=50_000, help="number of documents (default 50000)")
    b.add_argument("--jobs", type=int, default=2, help="--jobs for cleaner, if it has the option (default 2)")
    b.add_argument("--max-bytes", type=int, default=1_000_000, help="--max-bytes for cleaner (default 1000000)")
    h = sub.add_parser("huge", help="huge single inputs: time and peak memory")
    h.add_argument("--mb", type=int, default=100, help="size of the big text file in MB (default 100)")
    m = sub.add_parser("memory", help="resident memory of a long clean_many run")
    m.add_argument("--n", type=int, default=15_000, help="number of documents (default 15000)")
    args = ap.parse_args()
    if args.mode == "memory":
        sys.exit(run_memory(args.n))
    sys.exit(run_batch(args.n, args.jobs, args.max_bytes) if args.mode == "batch" else run_huge(args.mb))


if __name__ == "__main__":
    main()
