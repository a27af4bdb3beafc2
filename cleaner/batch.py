"""The edge of the pipeline: finding inputs, mapping them to outputs, cleaning them in parallel
processes, writing atomically, and reporting failures without stopping the batch.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from . import Cleaner, Result, render
from .html import decode as decode_html
from .html import is_html
from .read import HTML_SUFFIXES, NotText, decode
from .rules import RuleTimeout
from .stats import Counts, removal_counts

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

SUFFIXES = (".txt", *HTML_SUFFIXES)
STDIN = "-"
_GLOB_CHARS = frozenset("*?[")
CHUNK = 8  # documents sent to a worker at a time
MAX_BYTES = 50_000_000  # default --max-bytes: larger inputs are refused unread


@dataclass(frozen=True)
class Input:
    """One document to clean: `path` (None for stdin) and `rel`, its path relative to the folder
    it was found in, which decides where its output goes."""

    path: Path | None
    rel: Path

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)


class InputError(Exception):
    """A document that cannot be cleaned; the message says why in one line."""


def find_inputs(args: Iterable[str]) -> Iterator[Input]:
    """Expand inputs, lazily: files, folders (searched recursively), globs ('scrapes/**/*.txt',
    expanded here when no file has that literal name) and '-' for stdin."""
    for arg in args:
        if arg == STDIN:
            yield Input(None, Path("stdin.txt"))
            continue
        p = Path(arg)
        if p.is_dir():
            yield from _walk(p)
        elif not p.exists() and _GLOB_CHARS & set(arg):
            yield from _glob(arg)
        else:
            yield Input(p, Path(p.name))


def _walk(folder: Path) -> Iterator[Input]:
    """The documents under `folder`, in sorted order, each relative to `folder`."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            if f.lower().endswith(SUFFIXES):
                full = Path(root) / f
                yield Input(full, full.relative_to(folder))


def _glob(pattern: str) -> Iterator[Input]:
    """The files matching `pattern` ('**' spans folders), sorted, each relative to the pattern's
    longest folder without wildcards; a pattern matching nothing is one missing input."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if _GLOB_CHARS & set(part))
    base = Path(*parts[:fixed]) if fixed else Path()
    matches = sorted(m for m in glob.glob(pattern, recursive=True) if os.path.isfile(m))
    if not matches:
        yield Input(Path(pattern), Path(Path(pattern).name))
    for m in matches:
        yield Input(Path(m), Path(m).relative_to(base))


def read_file_list(lines: Iterable[str]) -> Iterator[str]:
    """Inputs named one per line in a --files-from list (blank lines ignored)."""
    for line in lines:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def listed_inputs(names: Iterable[str]) -> Iterator[Input]:
    """Inputs from a --files-from list: relative paths keep their folders in the output."""
    for name in names:
        p = Path(name)
        yield from _walk(p) if p.is_dir() else [Input(p, p)]


def output_path(outdir: Path, item: Input, fmt: str) -> Path:
    """Where the output of `item` goes: OUTDIR/sub/name.txt (.json, .explain.txt), always inside OUTDIR."""
    rel = Path(*[part for part in item.rel.parts if part not in ("", ".", "..", os.sep)])
    return outdir / rel.with_suffix({"json": ".json", "explain": ".explain.txt"}.get(fmt, ".txt"))


def up_to_date(item: Input, target: Path) -> bool:
    """True when `target` exists and is not older than the input (for --skip-existing)."""
    try:
        return item.path is not None and target.stat().st_mtime_ns >= item.path.stat().st_mtime_ns
    except OSError:
        return False


def read_input(item: Input, max_bytes: int | None = None) -> bytes:
    """The bytes of `item`; with `max_bytes`, at most one byte more than that is read (a device
    or a pipe that never ends included), and `too_big` refuses the rest."""
    limit = -1 if max_bytes is None else max_bytes + 1
    if item.path is None:
        return too_big(sys.stdin.buffer.read(limit), max_bytes)
    try:
        with item.path.open("rb") as f:
            return too_big(f.read(limit), max_bytes)
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except FileNotFoundError:
        raise InputError("no such file (or a broken link)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as e:
        raise InputError(e.strerror or str(e)) from None


def too_big(data: bytes, max_bytes: int | None) -> bytes:
    """`data`, unless it is longer than `max_bytes`: then InputError."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"larger than --max-bytes {max_bytes}: skipped")
    return data


def clean_input(cleaner: Cleaner, item: Input, data: bytes, metadata: bool = True) -> Result:
    """Clean the bytes of one input; raise InputError for input that is not a text document.
    HTML is decoded as a browser would (its declared charset counts), other text by detection;
    its metadata is read only with `metadata`."""
    html = is_html(data, item.name)
    try:
        text = decode_html(data) if html else decode(data)
    except NotText as e:
        raise InputError(str(e)) from None
    if not text.strip():
        raise InputError("empty input (no text)")
    try:
        return cleaner.clean(text, source=item.name, html=html, metadata=metadata)
    except RuleTimeout as e:
        raise InputError(str(e)) from None


def render_result(result: Result, fmt: str, with_metadata: bool = False, one_line: bool = False) -> str:
    """The output text of one result: the body (optionally with a metadata header) or JSON
    (indented, or on one line for JSON lines)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=None if one_line else 1) + "\n"
    if fmt == "explain":
        from .review import annotated

        return annotated(result.document)
    text = render.with_metadata(result.document, result.text) if with_metadata else result.text
    return text + "\n" if text else ""


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `path` only when the block ends without an error: it is
    written to a temporary file in the same folder and renamed, so an interrupted run never
    leaves a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, content: str) -> None:
    """Write `content` to `path` atomically (see `atomic_file`)."""
    with atomic_file(path) as f:
        f.write(content.encode("utf-8"))


# --- cleaning many documents, in order, in parallel processes ---------------------------------

@dataclass(frozen=True)
class Task:
    """One input of a folder batch and where its output goes (None: stdout); `skip` when its
    output is up to date (--skip-existing); `data` holds stdin, read by the parent process."""

    item: Input
    target: Path | None
    skip: bool = False
    data: bytes | None = None


@dataclass
class Outcome:
    """What became of one document (file `name`, or its `line` in a JSONL file): its rendered
    output, or the reason it failed, or that it was skipped."""

    name: str
    output: str | None = None
    error: str | None = None
    skipped: bool = False
    counts: Counts = field(default_factory=dict)
    target: Path | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        return self.name if self.line is None else f"{self.name}:{self.line}"


def clean_task(cleaner: Cleaner, task: Task, fmt: str, with_metadata: bool,
               max_bytes: int | None = MAX_BYTES) -> Outcome:
    """Read, clean and render one input (in a worker process); never raises for a bad input, and
    a bug met on one document fails that document, not the batch."""
    item = task.item
    if task.skip:
        return Outcome(item.name, skipped=True, target=task.target)
    try:
        data = too_big(task.data, max_bytes) if task.data is not None else read_input(item, max_bytes)
        result = clean_input(cleaner, item, data, metadata=fmt != "text" or with_metadata)
    except InputError as e:
        return Outcome(item.name, error=str(e), target=task.target)
    except Exception as e:  # noqa: BLE001  (reported as this document's failure, with the cause)
        return Outcome(item.name, error=f"internal error: {type(e).__name__}: {e}", target=task.target)
    output = render_result(result, fmt, with_metadata, one_line=task.target is None)
    return Outcome(item.name, output, counts=removal_counts(result.document), target=task.target)


def task_crashed(task: Task, reason: str) -> Outcome:
    """The outcome of a document whose worker process died while cleaning it."""
    return Outcome(task.item.name, error=reason, target=task.target)


T = TypeVar("T")
R = TypeVar("R")
_worker_cleaner: Cleaner | None = None


def _init_worker(cleaner: Cleaner) -> None:
    """Each worker process receives the configured cleaner once. Ctrl-C is the parent's to handle,
    and SIGTERM (from the parent stopping the pool) ends a worker at once, whatever handler the
    parent process had installed."""
    global _worker_cleaner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_cleaner = cleaner


def _in_worker(fn: Callable[[Cleaner, T], R], chunk: list[T]) -> list[R]:
    assert _worker_cleaner is not None
    return [fn(_worker_cleaner, item) for item in chunk]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def map_ordered(fn: Callable[[Cleaner, T], R], items: Iterable[T], cleaner: Cleaner, jobs: int,
                crashed: Callable[[T, str], R] | None = None) -> Iterator[R]:
    """``fn(cleaner, item)`` for each item, results in input order; with `jobs` > 1 (and more than
    two items) in that many worker processes.

    The first item is cleaned here, before the workers start: that loads the data the cleaner
    builds on first use (stoplists, word lists) once, and forked workers inherit it. This process
    reads the items and sends them in chunks, at most 4 chunks per worker in flight, so memory
    stays flat; reading here (not in a pool thread) also lets Ctrl-C or `kill` stop the batch
    even while it waits for input. A worker that dies (killed, or crashed by a document) never
    hangs the batch: the documents it held are cleaned again one by one in a new pool, and one
    that kills its worker again gets ``crashed(item, reason)`` as its result (without `crashed`,
    RuntimeError)."""
    items = iter(items)
    head = list(islice(items, 3))
    if jobs <= 1 or len(head) < 3:
        yield from (fn(cleaner, item) for item in chain(head, items))
        return
    yield fn(cleaner, head[0])
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(jobs, cleaner)
    pending: deque[tuple[list[T], Future[list[R]]]] = deque()
    try:
        for chunk in _chunks(chain(head[1:], items), CHUNK):
            pending.append((chunk, pool.submit(_in_worker, fn, chunk)))
            while pending and (len(pending) >= 4 * jobs or pending[0][1].done()):
                try:
                    yield from pending[0][1].result()
                    pending.popleft()
                except BrokenProcessPool:
                    pool = yield from _rescue(pool, pending, fn, cleaner, jobs, crashed)
        while pending:
            try:
                yield from pending[0][1].result()
                pending.popleft()
            except BrokenProcessPool:
                pool = yield from _rescue(pool, pending, fn, cleaner, jobs, crashed)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(jobs: int, cleaner: Cleaner) -> ProcessPoolExecutor:
    import multiprocessing  # here: one document on stdin should not pay for it
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), _init_worker, (cleaner,))


def _rescue(pool: ProcessPoolExecutor, pending: deque[tuple[list[T], Future[list[R]]]],
            fn: Callable[[Cleaner, T], R], cleaner: Cleaner, jobs: int,
            crashed: Callable[[T, str], R] | None) -> Generator[R, None, ProcessPoolExecutor]:
    """A worker died: every chunk still pending is lost. Clean their items again one at a time in a
    new pool, yield the results in order, and return a fresh pool for the rest of the batch."""
    from concurrent.futures.process import BrokenProcessPool

    pool.shutdown(wait=False, cancel_futures=True)
    lost = [item for chunk, _ in pending for item in chunk]
    pending.clear()
    pool = _pool(jobs, cleaner)
    for item in lost:
        try:
            yield from pool.submit(_in_worker, fn, [item]).result()
        except BrokenProcessPool:
            reason = "a worker process died while cleaning it (killed, or crashed by this document)"
            if crashed is None:
                raise RuntimeError(reason) from None
            yield crashed(item, reason)
            pool.shutdown(wait=False, cancel_futures=True)
            pool = _pool(jobs, cleaner)
    return pool


