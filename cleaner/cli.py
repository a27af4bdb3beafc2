"""The command line: thin click commands over the API and the batch helpers."""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO

import click

from . import Cleaner, RuleError, __version__
from .batch import (MAX_BYTES, STDIN, Input, InputError, Outcome, Task, clean_task, find_inputs, listed_inputs,
                    map_ordered, output_path, read_file_list, task_crashed, up_to_date, write_atomic)
from .jsonl import CompressionError, Fields, clean_line, line_crashed, open_output, read_lines
from .stats import RemovalStats

CONTEXT = {"help_option_names": ["-h", "--help"]}
RULES_OPTION = click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
                            help="Extra rule file or folder (repeatable).")
DISABLE_OPTION = click.option("--disable", multiple=True,
                              help="Switch off a rule id or a group such as 'caption' (repeatable).")


def error(msg: str) -> None:
    click.echo(f"cleaner: {msg}", err=True)


def make_cleaner(rules: tuple[str, ...], disable: tuple[str, ...], fast: bool = False) -> Cleaner:
    try:
        return Cleaner(rules=rules, disable=disable, fast=fast)
    except RuleError as e:
        raise click.UsageError(str(e)) from None


class LazyGroup(click.Group):
    """A group whose subcommands in other modules are imported only when named (or listed in
    --help), so `cleaner clean` starts without loading the review and evaluation commands."""

    LAZY = {"eval": ("cli_eval", "evaluate"), "diff": ("cli_review", "diff"),
            "check": ("cli_review", "check"), "rules": ("cli_review", "rules")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            module, attribute = self.LAZY[name]
            return getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
def main() -> None:
    """Strip boilerplate from scraped news text and HTML pages, saying why for every line."""


class Report:
    """Counts outcomes, reports failures (stderr, --errors JSONL), sums --stats, and prints the
    end summary."""

    def __init__(self, errors: IO[str] | None, verbose: bool):
        self.errors, self.verbose = errors, verbose
        self.cleaned = self.skipped = self.failed = 0
        self.stats = RemovalStats()
        self.start = time.monotonic()

    def add(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.failed += 1
            error(f"{outcome.where}: {outcome.error}")
            if self.errors is not None:
                entry = {"path": outcome.name, "line": outcome.line, "reason": outcome.error}
                self.errors.write(json.dumps({k: v for k, v in entry.items() if v is not None}, ensure_ascii=False) + "\n")
                self.errors.flush()
        elif outcome.skipped:
            self.skipped += 1
            if self.verbose:
                click.echo(f"{outcome.name}: skipped (output up to date)", err=True)
        else:
            self.cleaned += 1
            self.stats.add(outcome.counts)
            if self.verbose:
                click.echo(f"{outcome.name} -> {outcome.target or 'stdout'}", err=True)

    def summary(self) -> str:
        seconds = time.monotonic() - self.start
        done = self.cleaned + self.skipped + self.failed
        return (f"{self.cleaned} cleaned, {self.skipped} skipped, {self.failed} failed in {seconds:.1f} s "
                f"({done / seconds if seconds else 0:.0f} docs/s)")


def progress(outcomes: Iterator[Outcome], total: Callable[[], int | None], show: bool) -> Iterator[Outcome]:
    """`outcomes`, with a progress bar on stderr when `show` (done/total, rate, ETA); `total` is
    called only then (it may count the inputs, without reading them)."""
    if not show:
        yield from outcomes
        return
    start, done = time.monotonic(), 0

    def counted() -> Iterator[Outcome]:
        nonlocal done
        for outcome in outcomes:
            done += 1
            yield outcome

    def rate(_: object) -> str:
        return f"{done / max(time.monotonic() - start, 1e-6):.0f} docs/s"

    with click.progressbar(counted(), length=total(), file=sys.stderr, show_pos=True, show_eta=True,
                           item_show_func=rate) as bar:
        yield from bar


def deliver(outcome: Outcome, written: dict[Path, str]) -> None:
    """Write a cleaned document to its output file (or stdout); InputError when it cannot be."""
    if outcome.target is None:
        sys.stdout.write(outcome.output or "")
        return
    target = outcome.target
    if target in written:
        raise InputError(f"output {target} would overwrite the output of {written[target]}")
    try:
        write_atomic(target, outcome.output)
    except OSError as e:
        raise InputError(f"cannot write {target}: {e.strerror or e}") from None
    written[target] = outcome.name


def _one_document(inputs: tuple[str, ...], files_from: str | None) -> bool:
    """True when the inputs are one document (a file or stdin), which may go to stdout as text."""
    if files_from or len(inputs) != 1:
        return False
    p = Path(inputs[0])
    return inputs[0] == STDIN or p.is_file() or not (p.exists() or any(c in inputs[0] for c in "*?["))


def _listed(files_from: str | None) -> Iterator[str]:
    """The names in the --files-from list (none without one)."""
    if files_from == STDIN:
        yield from read_file_list(sys.stdin)
    elif files_from:
        with open(files_from, encoding="utf-8") as f:
            yield from read_file_list(f)


def _tasks(items: Iterable[Input], outdir: Path | None, fmt: str, skip_existing: bool,
           max_bytes: int) -> Iterator[Task]:
    """A task per input; stdin is read here, since worker processes have none (at most one byte
    past `max_bytes`: the worker refuses what is larger)."""
    for item in items:
        target = output_path(outdir, item, fmt) if outdir is not None else None
        skip = skip_existing and target is not None and up_to_date(item, target)
        yield Task(item, target, skip, sys.stdin.buffer.read(max_bytes + 1) if item.path is None else None)


def _clean_files(cleaner: Cleaner, inputs: tuple[str, ...], files_from: str | None, outdir: Path | None,
                 fmt: str, with_metadata: bool, skip_existing: bool, jobs: int, report: Report,
                 show_progress: bool, max_bytes: int) -> None:
    if outdir is None and fmt == "text" and not _one_document(inputs, files_from):
        raise click.UsageError("several inputs need -o OUTDIR (or --format json for JSON lines on stdout)")

    def items() -> Iterator[Input]:
        return chain(find_inputs(inputs), listed_inputs(_listed(files_from)))

    def count() -> int | None:
        return None if STDIN in inputs or files_from == STDIN else sum(1 for _ in items())

    tasks = _tasks(items(), outdir, fmt, skip_existing, max_bytes)
    work = partial(clean_task, fmt=fmt, with_metadata=with_metadata, max_bytes=max_bytes)
    written: dict[Path, str] = {}
    for outcome in progress(map_ordered(work, tasks, cleaner, jobs, task_crashed), count, show_progress):
        _stop_if_terminated()
        if outcome.error is None and not outcome.skipped:
            try:
                deliver(outcome, written)
            except InputError as e:
                outcome.error = str(e)
        report.add(outcome)


def _clean_jsonl(cleaner: Cleaner, inputs: tuple[str, ...], files_from: str | None, output: str,
                 fields: Fields, jobs: int, report: Report, show_progress: bool) -> None:
    lines = chain.from_iterable(read_lines(name) for name in chain(inputs, _listed(files_from)))
    try:
        with open_output(output) as out:
            results = map_ordered(partial(clean_line, fields=fields), lines, cleaner, jobs, line_crashed)
            for outcome in progress(results, lambda: None, show_progress):
                _stop_if_terminated()
                if outcome.output is not None:
                    out.write(outcome.output)
                report.add(outcome)
    except CompressionError as e:
        raise click.UsageError(str(e)) from None


_terminated: list[int] = []


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM: leave like Ctrl-C does (temporary files removed), exit 128+15."""
    _terminated.append(signum)
    sys.exit(128 + signum)


def _stop_if_terminated() -> None:
    """Exit now if SIGTERM came but its SystemExit was lost (raised inside some object's __del__,
    where Python ignores exceptions)."""
    if _terminated:
        sys.exit(128 + _terminated[0])


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="Output folder: each input DIR/sub/name.ext is written to OUTDIR/sub/name.txt (or .json). "
                   "With --input-format jsonl: the output file (.gz, .zst compressed; '-' stdout).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "explain"]), default="text", show_default=True,
              help="text: the article body; json: one record with metadata and the removed lines; explain: "
                   "the original with every removed line marked by the id that removed it (NAME.explain.txt).")
@click.option("--explain", is_flag=True, help="Short for --format explain.")
@click.option("--with-metadata", is_flag=True, help="Text output starts with a title/author/date header.")
@click.option("--fast", is_flag=True, help="HTML: extract with trafilatura alone, not the best of several extractors "
                                           "(several times faster, a few points less exact).")
@RULES_OPTION
@DISABLE_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs); the output is the same for any number.")
@click.option("--files-from", metavar="LIST", help="Also clean the inputs named in LIST, one per line ('-': stdin).")
@click.option("--skip-existing", is_flag=True, help="Skip inputs whose output exists and is not older than the input.")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the failures to this file as JSON lines (path, reason).")
@click.option("--stats", "stats_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write how many lines and characters each rule or heuristic id removed, as JSON.")
@click.option("--input-format", type=click.Choice(["files", "jsonl"]), default="files", show_default=True,
              help="files: text or HTML documents; jsonl: JSON lines, one document per line (.gz, .zst read too).")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--id-field", help="JSONL: the field naming the document in messages about its line.")
@click.option("--output-field", help="JSONL: the field the cleaned text goes to (default: the text field).")
@click.option("--metadata-field", default="cleaner", show_default=True,
              help="JSONL: the field for title, author, date, language, warnings and removal counts.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True,
              help="Inputs larger than this are not read: reported as failed, the batch goes on.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; failures are still reported.")
@click.option("-v", "--verbose", is_flag=True, help="Say what happened to each input.")
def clean(inputs: tuple[str, ...], output: str | None, fmt: str, explain: bool, with_metadata: bool, fast: bool,
          rules: tuple[str, ...],
          disable: tuple[str, ...], jobs: int | None, files_from: str | None, skip_existing: bool,
          errors_file: Path | None, stats_file: Path | None, input_format: str, text_field: str,
          id_field: str | None, output_field: str | None, metadata_field: str, max_bytes: int, quiet: bool,
          verbose: bool) -> None:
    """Clean INPUT files, folders (searched for .txt, .html, .htm), globs ('scrapes/**/*.txt') or
    '-' (stdin); or JSON lines with --input-format jsonl.

    Without -o a single input is written to stdout (several inputs need -o, or --format json,
    which writes one JSON record per line). A bad input is reported on stderr and the others go
    on. Batches end with a summary line on stderr. Exit code: 0 when all went well, 1 when any
    input failed, 2 for usage errors.
    """
    if not inputs and not files_from:
        raise click.UsageError("give INPUT... or --files-from LIST")
    fmt = "explain" if explain else fmt
    if fmt == "explain" and input_format == "jsonl":
        raise click.UsageError("--format explain is for files; with JSON lines use --format json (its 'removed' list)")
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    if files_from and files_from != STDIN and not os.path.isfile(files_from):
        raise click.UsageError(f"--files-from {files_from}: no such file")
    signal.signal(signal.SIGTERM, _terminate)  # `kill` cleans up like Ctrl-C: no temporary files left
    cleaner = make_cleaner(rules, disable, fast)
    jobs = jobs or os.cpu_count() or 1
    show_progress = not quiet and not verbose and sys.stderr.isatty()
    with open(errors_file, "w", encoding="utf-8") if errors_file else nullcontext() as errors:
        report = Report(errors, verbose)
        if input_format == "jsonl":
            fields = Fields(text_field, id_field, output_field, metadata_field, full=fmt == "json")
            _clean_jsonl(cleaner, inputs, files_from, output or STDIN, fields, jobs, report, show_progress)
        else:
            _clean_files(cleaner, inputs, files_from, Path(output) if output else None, fmt, with_metadata,
                         skip_existing, jobs, report, show_progress, max_bytes)
    if stats_file is not None:
        write_atomic(stats_file, json.dumps(report.stats.to_dict(), ensure_ascii=False, indent=1) + "\n")
    if not quiet and (output is not None or report.cleaned + report.skipped + report.failed > 1):
        error(report.summary())
    if report.failed:
        sys.exit(1)

