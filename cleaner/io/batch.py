"""The edge of the pipeline: finding inputs, mapping them to outputs, cleaning them in parallel
processes, and reporting failures without stopping the batch (writing them: `outputs`).
"""

from __future__ import annotations

import glob
import os
import signal
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import regex

from .. import Cleaner, Result, render
from . import formats
from .markdown import SUFFIXES as MARKDOWN_SUFFIXES
from .read import HTML_SUFFIXES, NotText, decode, decode_html, is_empty
from ..decide.rules import RuleTimeout
from .stats import Counts, removal_counts
from ..decide.templates import PageLines, file_site

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

SUFFIXES = (".txt", *HTML_SUFFIXES, *MARKDOWN_SUFFIXES)
STDIN = "-"
_URL = regex.compile(r"^[a-z][a-z0-9+.-]*://", regex.I)
_GLOB_CHARS = frozenset("*?[")
CHUNK = 8  # documents sent to a worker at a time
OUTPUT_SUFFIXES = {"json": ".json", "explain": ".explain.txt", "markdown": ".md"}  # else .txt
MAX_BYTES = 50_000_000  # default --max-bytes: larger inputs are refused unread


@dataclass(frozen=True)
class Input:
    """One document to clean: `path` (None for stdin) and `rel`, its path relative to the folder
    it was found in, which decides where its output goes."""

    path: Path | None
    rel: Path
    error: str | None = None  # known bad before reading (a URL)
    label: str | None = None  # its name in messages when not its path (a URL)

    @property
    def name(self) -> str:
        return self.label or ("<stdin>" if self.path is None else str(self.path))


class InputError(Exception):
    """A document that cannot be cleaned; the message says why in one line."""


def find_inputs(args: Iterable[str], outdir: Path | None = None) -> Iterator[Input]:
    """Expand inputs, lazily: files, folders (searched recursively, `outdir` left out), globs
    ('scrapes/**/*.txt', expanded here when no file has that literal name) and '-' for stdin. A URL
    is an input that fails: it is not fetched."""
    for arg in args:
        if arg == STDIN:
            yield Input(None, Path("stdin.txt"))
            continue
        p = Path(arg)
        if p.is_dir():
            yield from _walk(p, outdir)
        elif not p.exists() and _URL.match(arg):
            yield Input(p, Path(p.name or "url"), "URLs are not fetched: download the page first", arg)
        elif not p.exists() and _GLOB_CHARS & set(arg):
            yield from _glob(arg)
        else:
            yield Input(p, Path(p.name))


def _walk(folder: Path, outdir: Path | None = None) -> Iterator[Input]:
    """The documents under `folder`, in sorted order, each relative to `folder`: regular files
    (and broken links, to report them) with a document suffix; a FIFO, socket or device is left
    alone (reading one could block forever), and so is the output folder `outdir` (its outputs are
    no inputs)."""
    skip = os.path.realpath(outdir) if outdir is not None else None
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(root, d)) != skip)
        for f in sorted(files):
            full = Path(root) / f
            if f.lower().endswith(SUFFIXES) and _regular_or_missing(full):
                yield Input(full, full.relative_to(folder))


def _regular_or_missing(path: Path) -> bool:
    """True for a regular file (through symlinks) or a broken link; False for a FIFO, socket or device."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True


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


def listed_inputs(names: Iterable[str], outdir: Path | None = None) -> Iterator[Input]:
    """Inputs from a --files-from list: relative paths keep their folders in the output."""
    for name in names:
        p = Path(name)
        yield from _walk(p, outdir) if p.is_dir() else [Input(p, p)]


def output_path(outdir: Path, item: Input, fmt: str) -> Path:
    """Where the output of `item` goes: OUTDIR/sub/name.txt (.json, .explain.txt, .md), always
    inside OUTDIR; InputError when its name leaves nothing to name a file after (``nonexist/..``)."""
    rel = Path(*[part for part in item.rel.parts if part not in ("", ".", "..", os.sep)])
    if not rel.name:
        raise InputError("no such file (or a broken link)" if item.path is not None and not item.path.exists()
                         else "no file name to name its output after")
    return outdir / rel.with_suffix(OUTPUT_SUFFIXES.get(fmt, ".txt"))


def up_to_date(item: Input, target: Path) -> bool:
    """True when `target` exists and is not older than the input (for --skip-existing)."""
    try:
        return item.path is not None and target.stat().st_mtime_ns >= item.path.stat().st_mtime_ns
    except OSError:
        return False


def read_input(item: Input, max_bytes: int | None = None) -> bytes:
    """The bytes of `item`; with `max_bytes`, at most one byte more than that is read (a device
    or a pipe that never ends included), and `too_big` refuses the rest."""
    if item.error is not None:
        raise InputError(item.error)
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


def decode_input(item: Input, data: bytes, input_format: str | None = None) -> tuple[str, str]:
    """The text of one input and its format (`input_format`, found out when None); InputError for
    input that is not a text document. HTML is decoded as a browser would (its declared charset
    counts), other text by detection."""
    fmt = input_format or formats.detect(data, item.name)
    try:
        text = decode_html(data) if fmt == "html" else decode(data)
    except NotText as e:
        hint = "; JSON lines are read from .jsonl.gz, .jsonl.zst (or say --input-format jsonl)" \
            if item.name.lower().endswith((".gz", ".zst")) else ""
        raise InputError(f"{e}{hint}") from None
    if is_empty(text):
        raise InputError("empty input (no text)")
    return text, fmt


def clean_input(cleaner: Cleaner, item: Input, data: bytes, input_format: str | None = None,
                source: str | None = None, metadata: bool = True) -> Result:
    """Clean the bytes of one input (of `input_format`, found out when None; named `source` in its
    record, by default its path); raise InputError for input that is not a text document (see
    `decode_input`). With templates, its site is the URL in a ``meta.json`` beside it, else the
    page's canonical URL, else its folder (`templates.file_site`). An HTML page's metadata beyond
    its title is read only with `metadata` (`Cleaner.clean`)."""
    text, fmt = decode_input(item, data, input_format)
    return clean_decoded(cleaner, item, text, fmt, source, metadata)


def clean_decoded(cleaner: Cleaner, item: Input, text: str, fmt: str, source: str | None = None,
                  metadata: bool = True) -> Result:
    """`clean_input` of an input's decoded text, of format `fmt`."""
    site, fallback = _site(cleaner, item)
    try:
        return cleaner.clean(text, source=item.name if source is None else source, input_format=fmt,
                             site=site, site_fallback=fallback, metadata=metadata)
    except RuleTimeout as e:
        raise InputError(str(e)) from None


def _site(cleaner: Cleaner, item: Input) -> tuple[str | None, str | None]:
    """The site of an input and its fallback, for templates (`templates.file_site`)."""
    return file_site(item.path) if cleaner.templates is not None and item.path is not None else (None, None)


def text_output(cleaner: Cleaner, item: Input, text: str) -> tuple[list[str], Counts]:
    """The text output of scraped text (`render_result` of its `clean_input`: the same text, in
    pieces to write one after another) and its removal counts, cleaned part by part
    (`Cleaner.clean_parts`): only one part's lines are held at a time, so a long text costs memory
    for its characters, not for every line's evidence."""
    site, fallback = _site(cleaner, item)
    pieces: list[str] = []
    counts: Counts = {}
    try:
        for part in cleaner.clean_parts(text, item.name, site, site_fallback=fallback):
            if part.text:
                pieces += ["\n\n", part.text] if pieces else [part.text]
            removal_counts(part.document, counts)
    except RuleTimeout as e:
        raise InputError(str(e)) from None
    return pieces + ["\n"] if pieces else [], counts


def needs_metadata(fmt: str, with_metadata: bool = False) -> bool:
    """Whether output `fmt` shows an HTML page's metadata beyond its title (author, date, sitename,
    url): JSON records and the explain view do, and a text or Markdown output with a header
    (`with_metadata`); the bare text or Markdown shows at most the title, which is always read.

    >>> needs_metadata("text"), needs_metadata("markdown"), needs_metadata("text", True), needs_metadata("json")
    (False, False, True, True)
    """
    return with_metadata or fmt not in ("text", "markdown")


def render_result(result: Result, fmt: str, with_metadata: bool = False, one_line: bool = False,
                  links: bool = False) -> str:
    """The output text of one result: the body or its Markdown (with its links when `links`),
    optionally with a metadata header, or JSON (indented, or on one line for JSON lines)."""
    if fmt == "json":
        return render.json_text(result.to_dict(), indent=None if one_line else 1) + "\n"
    if fmt == "explain":
        from ..render.review import annotated

        return annotated(result.document)
    text = render.markdown(result.document, links) if fmt == "markdown" else result.text
    text = render.with_metadata(result.document, text) if with_metadata else text
    return text + "\n" if text else ""


# --- cleaning many documents, in order, in parallel processes ---------------------------------

@dataclass(frozen=True)
class Task:
    """One input of a folder batch and where its output goes (None: stdout); `skip` when its
    output is up to date (--skip-existing); `data` holds stdin, read by the parent process;
    `error` says why it fails before it is read (its output would overwrite another's, ...)."""

    item: Input
    target: Path | None
    skip: bool = False
    data: bytes | None = None
    error: str | None = None


@dataclass
class Outcome:
    """What became of one document (file `name`, or its `line` in a JSONL file, or the record at
    byte `offset` of a WARC file, with its `url`): its rendered output, or the reason it failed,
    or that it was skipped."""

    name: str
    output: str | list[str] | None = None  # a list: pieces written one after another (a long text's parts)
    error: str | None = None
    skipped: bool = False
    counts: Counts = field(default_factory=dict)
    target: Path | None = None
    line: int | None = None
    offset: int | None = None
    url: str | None = None
    page: PageLines | None = None  # its lines, in the first pass of a batch that learns templates

    @property
    def where(self) -> str:
        if self.offset is not None:
            return f"{self.name}, record at byte {self.offset}" + (f" ({self.url})" if self.url else "")
        return self.name if self.line is None else f"{self.name}:{self.line}"


def clean_task(cleaner: Cleaner, task: Task, fmt: str, with_metadata: bool,
               max_bytes: int | None = MAX_BYTES, input_format: str | None = None, links: bool = False) -> Outcome:
    """Read, clean and render one input (in a worker process); never raises for a bad input, and
    a bug met on one document fails that document, not the batch."""
    item = task.item
    if task.error or item.error:
        return Outcome(item.name, error=task.error or item.error, target=task.target)
    if task.skip:
        return Outcome(item.name, skipped=True, target=task.target)
    try:
        text, form = decode_input(item, too_big(task.data, max_bytes) if task.data is not None
                                  else read_input(item, max_bytes), input_format)
        if form == "text" and fmt == "text" and not with_metadata:  # written part by part (`text_output`)
            output, counts = text_output(cleaner, item, text)
            return Outcome(item.name, output, counts=counts, target=task.target)
        result = clean_decoded(cleaner, item, text, form, metadata=needs_metadata(fmt, with_metadata))
    except InputError as e:
        return Outcome(item.name, error=str(e), target=task.target)
    except Exception as e:  # noqa: BLE001  (reported as this document's failure, with the cause)
        return Outcome(item.name, error=f"internal error: {type(e).__name__}: {e}", target=task.target)
    output = render_result(result, fmt, with_metadata, one_line=task.target is None, links=links)
    return Outcome(item.name, output, counts=removal_counts(result.document), target=task.target)


def task_crashed(task: Task, reason: str) -> Outcome:
    """The outcome of a document whose worker process died while cleaning it."""
    return Outcome(task.item.name, error=reason, target=task.target)


T = TypeVar("T")
R = TypeVar("R")
_worker_cleaner: Cleaner | None = None


def _init_worker(cleaner: Cleaner) -> None:
    """Each worker process receives the configured cleaner once. Ctrl-C is the parent's to handle,
    SIGTERM (from the parent stopping the pool) ends a worker at once, whatever handler the parent
    process had installed, and a worker whose parent died exits (`_exit_with_parent`)."""
    global _worker_cleaner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_cleaner = cleaner
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


PARENT_POLL = 0.5  # seconds between a worker's checks that its parent is alive


def _exit_with_parent(parent: int) -> None:
    """Exit this worker once its parent is gone (SIGKILL leaves the parent no time to stop its
    pool; a worker left alive holds stdout, and a caller waiting for its end would wait forever)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def available_cpus() -> int:
    """The CPUs this process may use: its CPU affinity, within the cgroup's CPU quota (containers)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(cpus, quota) if quota else cpus)


def cgroup_cpu_quota(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The cgroup CPU limit in whole CPUs (rounded up), or None when there is none (v2 cpu.max, v1 cfs quota)."""
    for quota_file, period_file in (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us")):
        try:
            fields = (root / quota_file).read_text().split()
            if period_file is not None:
                fields.append((root / period_file).read_text().strip())
            quota, period = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
        if quota > 0 and period > 0:
            return -(-quota // period)
    return None


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
    except BaseException:  # Ctrl-C, SIGTERM, the consumer stopping: the workers stop now, mid-document
        _kill(pool)
        raise
    pool.shutdown(wait=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool without waiting for the documents its workers are cleaning."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


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


