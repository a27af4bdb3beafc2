"""The command line: thin click commands over the API and the batch helpers.

Exit codes: 0 when all went well, 1 when an input failed (or an output could not be written
during the run), 2 for a usage error or a run refused before any work (rules, an output over an
input, an output that cannot be opened), 130 on Ctrl-C and 143 on SIGTERM.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO, BinaryIO, TypeVar

import click

from .. import Cleaner, RuleError, __version__, render
from ..io import learn, resume
from ..io.batch import (MAX_BYTES, STDIN, SUFFIXES, Input, InputError, Outcome, Task, available_cpus, clean_task,
                        find_inputs, listed_inputs, map_ordered, output_path, read_file_list, task_crashed, up_to_date)
from ..io.jsonl import SUFFIXES as JSONL_SUFFIXES
from ..io.jsonl import CompressionError, Fields, clean_line, line_crashed, open_output, read_lines
from ..io.outputs import STDIO, OutputError, check_folder, check_not_an_input, reason, same_file, write_inside
from ..io.outputs import open_output as open_sink
from ..io.stats import RemovalStats
from ..decide.templates import Templates, TemplatesError
from ..io.warc import SUFFIXES as WARC_SUFFIXES
from ..io.warc import MissingWarcio, clean_record, read_records, record_crashed, require_warcio

CONTEXT = {"help_option_names": ["-h", "--help"]}
T = TypeVar("T")
RULES_OPTION = click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
                            help="Extra rule file or folder (repeatable).")
URL_FIELD_OPTION = click.option("--url-field", default="url", show_default=True,
                                help="JSONL: the field holding a document's URL, whose host is its site for templates.")
DISABLE_OPTION = click.option("--disable", multiple=True,
                              help="Switch off a rule id, a group such as 'caption', the decision model ('model') "
                                   "or a heuristic such as 'heuristic.duplicate' (repeatable; see 'cleaner rules list').")


def error(msg: str) -> None:
    click.echo(f"cleaner: {msg}", err=True)


class Refused(click.ClickException):
    """A run refused before any work (exit 2): one line on stderr, without the usage banner."""

    exit_code = 2

    def show(self, file: IO[str] | None = None) -> None:
        error(self.format_message())


def make_cleaner(rules: tuple[str, ...], disable: tuple[str, ...], fast: bool = False, stable: bool = False) -> Cleaner:
    try:
        return Cleaner(rules=rules, disable=disable, fast=fast, stable=stable)
    except RuleError as e:
        raise Refused(str(e)) from None


class LazyGroup(click.Group):
    """A group whose subcommands in other modules are imported only when named (or listed in
    --help), so `cleaner clean` starts without loading the review and evaluation commands."""

    LAZY = {"eval": ("evaluate", "evaluate"), "diff": ("review", "diff"),
            "check": ("review", "check"), "rules": ("review", "rules"),
            "templates": ("templates", "templates")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            module, attribute = self.LAZY[name]
            return getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        return super().get_command(ctx, name)


_terminated: list[int] = []


def _terminate(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM: leave at once, temporary files removed and workers stopped, exit 128+N."""
    _terminated.append(signum)
    sys.exit(128 + signum)


def _stop_if_terminated() -> None:
    """Exit now if a signal came but its SystemExit was lost (raised inside some object's __del__,
    where Python ignores exceptions)."""
    if _terminated:
        sys.exit(128 + _terminated[0])


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
def main() -> None:
    """Strip boilerplate from scraped news text, Markdown and HTML pages, saying why for every line."""
    if threading.current_thread() is threading.main_thread():  # (signal handlers can only be set there)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _terminate)


class Report:
    """Counts outcomes, reports failures (stderr, --errors JSONL), sums --stats, and prints the
    end summary."""

    def __init__(self, errors: tuple[str, BinaryIO] | None, verbose: bool):
        self.errors, self.verbose = errors, verbose
        self.cleaned = self.skipped = self.failed = 0
        self.stats = RemovalStats()
        self.not_pages: Counter[str] | None = None  # WARC records that are not pages, by kind
        self.start = time.monotonic()

    def add(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.failed += 1
            error(f"{outcome.where}: {outcome.error}")
            if self.errors is not None:
                entry = {"path": outcome.name, "line": outcome.line, "offset": outcome.offset, "url": outcome.url,
                         "reason": outcome.error}
                line = render.json_text({k: v for k, v in entry.items() if v is not None}) + "\n"
                name, sink = self.errors
                try:
                    sys.stdout.flush()  # the sink may be stdout's buffer: records written before come first
                    sink.write(line.encode("utf-8"))
                    sink.flush()
                except OSError as e:
                    raise OutputError(f"--errors: cannot write {name}: {reason(e)}") from None
        elif outcome.skipped:
            self.skipped += 1
            if self.verbose:
                click.echo(f"{outcome.name}: skipped (output up to date)", err=True)
        else:
            self.cleaned += 1
            self.stats.add(outcome.counts)
            if self.verbose:
                click.echo(f"{outcome.where} -> {outcome.target or 'stdout'}", err=True)

    def summary(self) -> str:
        seconds = time.monotonic() - self.start
        done = self.cleaned + self.skipped + self.failed
        line = (f"{self.cleaned} cleaned, {self.skipped} skipped, {self.failed} failed in {seconds:.1f} s "
                f"({done / seconds if seconds else 0:.0f} docs/s)")
        if self.not_pages:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.not_pages.items(), key=lambda kn: (-kn[1], kn[0])))
            line += f"; {sum(self.not_pages.values())} WARC records not pages, skipped: {kinds}"
        return line

    def stats_dict(self) -> dict[str, object]:
        """What --stats writes: the removals, and the WARC records skipped by kind."""
        out: dict[str, object] = self.stats.to_dict()
        if self.not_pages is not None:
            out["warc_not_pages"] = dict(sorted(self.not_pages.items()))
        return out


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


@dataclass(frozen=True)
class Destination:
    """Where a files batch goes: "stdout", one "file" (-o one.txt, one input) or a "folder"."""

    kind: str
    path: Path | None = None


def _one_document(inputs: tuple[str, ...], files_from: str | None) -> bool:
    """True when the inputs are one document (a file or stdin), which may go to stdout as text."""
    if files_from or len(inputs) != 1:
        return False
    p = Path(inputs[0])
    return inputs[0] == STDIN or p.is_file() or not (p.exists() or any(c in inputs[0] for c in "*?["))


def _destination(output: str | None, inputs: tuple[str, ...], files_from: str | None) -> Destination:
    """-o as a file or a folder: a folder when it ends with '/' or is one; a file when it has a suffix
    and the inputs are one document; several inputs and a file name are a usage error."""
    if output is None or output == STDIO:
        return Destination("stdout")
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        return Destination("folder", path)
    if _one_document(inputs, files_from) and (path.suffix or path.exists()):
        return Destination("file", path)
    if path.exists():
        raise click.UsageError(f"-o {output} is a file, but there are several inputs: give a folder")
    if path.suffix:
        raise click.UsageError(f"-o {output} names a file, but there are several inputs: give a folder (-o DIR/)")
    return Destination("folder", path)


def _refuse_overwriting_inputs(dest: Destination, inputs: tuple[str, ...], fmt: str) -> None:
    """Refused, before any work, when an output would overwrite an input named on the command line."""
    for arg in inputs:
        if arg == STDIN or not os.path.exists(arg):
            continue
        if dest.kind == "file" and same_file(dest.path, arg):
            raise Refused(f"-o {dest.path} is the input {arg}: it would be overwritten")
        if dest.kind != "folder":
            continue
        if os.path.isdir(arg) and same_file(dest.path, arg):
            raise Refused(f"-o {dest.path} is the input folder {arg}: its outputs would overwrite or join the "
                          "inputs; choose another folder")
        if os.path.isfile(arg) and same_file(output_path(dest.path, Input(Path(arg), Path(Path(arg).name)), fmt), arg):
            raise Refused(f"-o {dest.path}: the output of {arg} would overwrite it")


def deliver(outcome: Outcome, dest: Destination) -> None:
    """Write a cleaned document to its output (a file in the folder, the one file, or stdout);
    InputError when it cannot be."""
    pieces = [outcome.output] if isinstance(outcome.output, str) else outcome.output or []
    if outcome.target is None:
        sys.stdout.writelines(pieces)
        return
    try:
        if dest.kind == "folder":
            write_inside(dest.path, outcome.target, pieces)
        else:
            with open_sink(outcome.target) as f:
                for piece in pieces:
                    f.write(piece.encode("utf-8"))
    except OutputError as e:
        raise InputError(str(e)) from None
    except OSError as e:
        raise InputError(f"cannot write {outcome.target}: {reason(e)}") from None


def _listed(files_from: str | None) -> Iterator[str]:
    """The names in the --files-from list (none without one)."""
    if files_from == STDIN:
        yield from read_file_list(sys.stdin)
    elif files_from:
        with open(files_from, encoding="utf-8", errors="surrogateescape") as f:
            yield from read_file_list(f)


def _tasks(items: Iterable[Input], dest: Destination, fmt: str, skip_existing: bool, max_bytes: int) -> Iterator[Task]:
    """A task per input, with its output; an input whose output another input already has fails (on
    every run, skipped or not). Stdin is read here, since worker processes have none (at most one
    byte past `max_bytes`: the worker refuses what is larger)."""
    taken: dict[Path, str] = {}
    for item in items:
        target, problem = None, None
        try:
            target = output_path(dest.path, item, fmt) if dest.kind == "folder" else dest.path
        except InputError as e:
            problem = str(e)
        if target is not None and item.error is None:
            if target in taken:
                problem = f"output {target} would overwrite the output of {taken[target]}"
            elif item.path is not None and same_file(target, item.path):
                problem = f"output {target} is this input: it would be overwritten"
            else:
                taken[target] = item.name
        skip = skip_existing and problem is None and target is not None and up_to_date(item, target)
        data = sys.stdin.buffer.read(max_bytes + 1) if item.path is None and problem is None else None
        yield Task(item, target, skip, data, problem)


def documents(kind: str, inputs: tuple[str, ...], files_from: str | None, outdir: Path | None = None,
              max_bytes: int | None = MAX_BYTES, not_pages: Counter[str] | None = None) -> Iterator[object]:
    """The documents of a run, lazily: `Input`s of the files, folders and globs named ("files";
    `outdir` left out), the lines of JSON lines files ("jsonl"), or the pages of WARC files
    ("warc", the other records counted in `not_pages`)."""
    if kind == "files":
        return chain(find_inputs(inputs, outdir), listed_inputs(_listed(files_from), outdir))
    names = chain(inputs, _listed(files_from))
    if kind == "warc":
        return chain.from_iterable(read_records(name, max_bytes, Counter() if not_pages is None else not_pages)
                                   for name in names)
    return chain.from_iterable(read_lines(name, max_bytes) for name in names)


def _clean_files(cleaner: Cleaner, inputs: tuple[str, ...], files_from: str | None, dest: Destination,
                 fmt: str, with_metadata: bool, skip_existing: bool, jobs: int, report: Report,
                 show_progress: bool, max_bytes: int, input_format: str | None = None, links: bool = False) -> None:
    if dest.kind == "stdout" and fmt in ("text", "markdown") and not _one_document(inputs, files_from):
        raise click.UsageError("several inputs need -o OUTDIR (or --format json for JSON lines on stdout)")
    outdir = dest.path if dest.kind == "folder" else None

    def count() -> int | None:
        return None if STDIN in inputs or files_from == STDIN else sum(1 for _ in documents("files", inputs, files_from,
                                                                                            outdir))

    tasks = _tasks(documents("files", inputs, files_from, outdir), dest, fmt, skip_existing, max_bytes)
    work = partial(clean_task, fmt=fmt, with_metadata=with_metadata, max_bytes=max_bytes, input_format=input_format,
                   links=links)
    for outcome in progress(map_ordered(work, tasks, cleaner, jobs, task_crashed), count, show_progress):
        _stop_if_terminated()
        if outcome.error is None and not outcome.skipped:
            try:
                deliver(outcome, dest)
            except InputError as e:
                outcome.error = str(e)
        report.add(outcome)


def _clean_to_lines(cleaner: Cleaner, items: Iterable[T], work: Callable[[Cleaner, T], Outcome],
                    crashed: Callable[[T, str], Outcome], output: str, jobs: int, report: Report,
                    show_progress: bool) -> None:
    """Clean JSON lines or WARC records into one JSON lines output, in order."""
    with ExitStack() as stack:
        try:
            out = stack.enter_context(open_output(output))
        except CompressionError as e:
            raise click.UsageError(str(e)) from None
        except OutputError as e:
            raise Refused(f"-o: {e}") from None
        results = map_ordered(work, items, cleaner, jobs, crashed)
        try:
            for outcome in progress(results, lambda: None, show_progress):
                _stop_if_terminated()
                if outcome.output is not None:
                    out.write(outcome.output)
                report.add(outcome)
            out.flush()
        except OSError as e:
            raise OutputError(f"-o: cannot write {output}: {reason(e)}") from None


def _input_format(given: str, inputs: tuple[str, ...], files_from: str | None) -> tuple[str, str | None]:
    """What the run reads: "jsonl", "warc" or "files", and the format of the files' documents (None:
    each found out by its suffix, then its content). --input-format says it; "auto" goes by the
    inputs' names: .jsonl, .ndjson (.gz, .zst) are JSON lines, .warc, .warc.gz WARC files."""
    if given in ("jsonl", "warc"):
        return given, None
    if given != "auto":
        return "files", given
    named = [arg for arg in inputs if arg != STDIN]
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("warc", WARC_SUFFIXES)):
        these = [arg for arg in named if arg.lower().endswith(suffixes)]
        if these and (len(these) < len(named) or files_from):
            others = [arg for arg in named if arg not in these] or ["--files-from"]
            what = "JSON lines" if kind == "jsonl" else "a WARC file"
            raise click.UsageError(f"{these[0]} is {what} and {others[0]} is not: clean them in two runs "
                                   "(or say --input-format)")
        if these:
            return kind, None
    return "files", None


def _need_warc_files(inputs: tuple[str, ...], files_from: str | None) -> None:
    """WARC files are read by name, with warcio: a usage error for stdin, a refusal without warcio."""
    if STDIN in (*inputs, files_from):
        raise click.UsageError("WARC input is read from files, not stdin")
    try:
        require_warcio()
    except MissingWarcio as e:
        raise Refused(str(e)) from None


def load_templates(path: Path) -> Templates:
    """The templates in `path`; a file that cannot be read refuses the run (exit 2)."""
    try:
        return Templates.load(path)
    except TemplatesError as e:
        raise Refused(f"--templates: {e}") from None


def learn_batch(cleaner: Cleaner, kind: str, inputs: tuple[str, ...], files_from: str | None,
                input_format: str | None, fields: Fields, max_bytes: int, jobs: int, report: Report | None,
                quiet: bool, outdir: Path | None = None) -> Templates:
    """The first pass over a batch (`outdir` left out): its sites' templates (failures go to
    `report`, else are left to the cleaning pass to report); one line on stderr says what was
    learned, unless `quiet`."""
    templates = Templates()
    work, crashed = learn.counter(kind, input_format, fields, max_bytes)
    items = documents(kind, inputs, files_from, outdir, max_bytes=max_bytes)
    for outcome in learn.count(cleaner, items, work, crashed, jobs, templates):
        _stop_if_terminated()
        if report is not None:
            report.add(outcome)
    if not quiet:
        error(templates.summary())
    return templates


def _stdin_is_terminal() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def _open_early(stack: ExitStack, what: str, name: Path | None, atomic: bool) -> tuple[str, BinaryIO] | None:
    """Open an output before any work, so a folder that is read-only or missing is found now."""
    if name is None:
        return None
    try:
        return str(name), stack.enter_context(open_sink(name, atomic))
    except OutputError as e:
        raise Refused(f"{what}: {e}") from None


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="Output folder (ends with '/' or exists): each input DIR/sub/name.ext is written to "
                   "OUTDIR/sub/name.txt (.json, .md). With one input, a file name such as one.txt is that file. "
                   "With JSON lines: the output file (.gz, .zst compressed). '-': stdout.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "explain"]), default="text",
              show_default=True,
              help="text: the article body; markdown: the body as Markdown (title, headings, lists, quotes, "
                   "tables; NAME.md); json: one record with metadata and the removed lines; explain: "
                   "the original with every removed line marked by the id that removed it (NAME.explain.txt).")
@click.option("--links", is_flag=True, help="Markdown output keeps the links (by default only their text).")
@click.option("--explain", is_flag=True, help="Short for --format explain.")
@click.option("--with-metadata", is_flag=True, help="Text output starts with a title/author/date header (YAML).")
@click.option("--fast", is_flag=True, help="HTML: extract with trafilatura alone, not the best of several extractors "
                                           "(several times faster, a few points less exact).")
@click.option("--stable", is_flag=True, help="Clean scraped text again until nothing changes, so that cleaning the "
                                             "output gives it back unchanged (about half the speed; keeps a little less).")
@RULES_OPTION
@DISABLE_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the CPUs this process may use); the output is the same for any number.")
@click.option("--files-from", metavar="LIST", help="Also clean the inputs named in LIST, one per line ('-': stdin).")
@click.option("--skip-existing", is_flag=True,
              help="Skip inputs whose output exists, is not older than the input, and was made by this cleaner "
                   "with the same rules and options (a fingerprint in the output folder).")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the failures to this file as JSON lines (path, reason); '-': stdout.")
@click.option("--stats", "stats_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write how many lines and characters each rule or heuristic id removed, as JSON; '-': stdout.")
@click.option("--input-format", type=click.Choice(["auto", "text", "markdown", "html", "jsonl", "warc"]),
              default="auto", show_default=True,
              help="What the inputs are; auto: JSON lines for .jsonl, .ndjson (.gz, .zst) inputs, WARC for .warc, "
                   ".warc.gz, else each document by suffix (.md, .html), then content. jsonl: JSON lines, one "
                   "document per line (.gz, .zst read too), its text field's format given by --markdown or --html, "
                   "or found out. warc: WARC files, one JSON line per page.")
@click.option("--markdown", "jsonl_markdown", is_flag=True, help="JSONL: the text field holds Markdown.")
@click.option("--html", "jsonl_html", is_flag=True, help="JSONL: the text field holds HTML.")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--id-field", help="JSONL: the field naming the document in messages about its line.")
@click.option("--output-field", help="JSONL: the field the cleaned text goes to (default: the text field).")
@click.option("--metadata-field", default="cleaner", show_default=True,
              help="JSONL: the field for title, author, date, language, warnings and removal counts.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True,
              help="Inputs (and JSON lines) larger than this are not read: reported as failed, the batch goes on.")
@click.option("--learn-templates", is_flag=True,
              help="First count the lines of the whole batch per site (the host of its URL, else its folder), then "
                   "clean each document knowing on how many pages of its site each line appears. A page's output "
                   "then depends on the batch it came in.")
@click.option("--templates", "templates_file", type=click.Path(dir_okay=True, path_type=Path),
              help="Use the site templates in this file (written by 'cleaner templates'; a folder: its *.json merged).")
@URL_FIELD_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; failures are still reported.")
@click.option("-v", "--verbose", is_flag=True, help="Say what happened to each input.")
def clean(inputs: tuple[str, ...], output: str | None, fmt: str, links: bool, explain: bool, with_metadata: bool,
          fast: bool, stable: bool, rules: tuple[str, ...], disable: tuple[str, ...], jobs: int | None,
          files_from: str | None,
          skip_existing: bool, errors_file: Path | None, stats_file: Path | None, input_format: str,
          jsonl_markdown: bool, jsonl_html: bool, text_field: str, id_field: str | None, output_field: str | None,
          metadata_field: str, max_bytes: int, learn_templates: bool, templates_file: Path | None, url_field: str,
          quiet: bool, verbose: bool) -> None:
    """Clean INPUT files, folders (searched for .txt, .md, .html, .htm, .xhtml), globs ('scrapes/**/*.txt'),
    '-' (stdin; also read when no INPUT is given and stdin is not a terminal), JSON lines files
    (.jsonl, .ndjson, .gz, .zst) or WARC files (.warc, .warc.gz: one JSON line per page).

    Without -o a single input is written to stdout (several inputs need -o, or --format json,
    which writes one JSON record per line). A bad input is reported on stderr and the others go
    on. Batches end with a summary line on stderr. Exit code: 0 when all went well, 1 when any
    input failed, 2 for usage errors or a run refused before it started, 130 on Ctrl-C, 143 on SIGTERM.
    """
    if not inputs and not files_from:
        if _stdin_is_terminal():
            raise click.UsageError("give INPUT... or --files-from LIST (or pipe a document to stdin)")
        inputs = (STDIN,)
    fmt = "explain" if explain else fmt
    input_format, document_format = _input_format(input_format, inputs, files_from)
    if fmt == "explain" and input_format != "files":
        raise click.UsageError("--format explain is for files; with JSON lines use --format json (its 'removed' list)")
    if input_format == "warc":
        _need_warc_files(inputs, files_from)
    if learn_templates and templates_file is not None:
        raise click.UsageError("--learn-templates and --templates exclude each other")
    if learn_templates and STDIN in (*inputs, files_from):
        raise click.UsageError("--learn-templates reads the batch twice: give files, not stdin")
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    if (jsonl_markdown or jsonl_html) and input_format != "jsonl":
        raise click.UsageError("--markdown and --html say what a JSONL text field holds; for files use "
                               "--input-format markdown or html")
    if jsonl_markdown and jsonl_html:
        raise click.UsageError("--markdown and --html exclude each other")
    if files_from and files_from != STDIN and not os.path.isfile(files_from):
        raise click.UsageError(f"--files-from {files_from}: no such file")
    dest = _destination(output, inputs, files_from) if input_format == "files" else None
    if skip_existing and (dest is None or dest.kind != "folder"):
        raise click.UsageError("--skip-existing needs -o FOLDER: a JSON lines output or a single output file is "
                               "written whole when the run completes, so there is nothing to resume; run again")
    suffixes = {"files": SUFFIXES, "jsonl": JSONL_SUFFIXES, "warc": WARC_SUFFIXES}[input_format]
    try:
        for what, name in (("--errors", errors_file), ("--stats", stats_file),
                           ("-o", output if input_format != "files" else None)):
            if name is not None:
                check_not_an_input(what, name, inputs, suffixes)
    except OutputError as e:
        raise Refused(str(e)) from None
    if dest is not None:
        _refuse_overwriting_inputs(dest, inputs, fmt)
    cleaner = make_cleaner(rules, disable, fast, stable)
    if templates_file is not None:
        cleaner.templates = load_templates(templates_file)
    if dest is not None and dest.kind == "folder":
        try:
            check_folder(dest.path)
        except OutputError as e:
            raise Refused(f"-o: {e}") from None
    said = "markdown" if jsonl_markdown else "html" if jsonl_html else None
    fields = Fields(text_field, id_field, output_field, metadata_field, full=fmt == "json", input_format=said,
                    markdown=fmt == "markdown", links=links, url=url_field)
    jobs = jobs or available_cpus()
    if learn_templates:
        cleaner.templates = learn_batch(cleaner, input_format, inputs, files_from, document_format, fields, max_bytes,
                                        jobs, None, quiet, dest.path if dest is not None and dest.kind == "folder" else None)
    digest = resume.fingerprint(cleaner, fmt=fmt, with_metadata=with_metadata, input_format=document_format,
                                links=links and fmt == "markdown", fast=fast, stable=stable,
                                templates=cleaner.templates.digest() if cleaner.templates else None,
                                url_field=url_field if cleaner.templates else None) if skip_existing else None
    if digest is not None:
        if resume.is_fresh(dest.path):
            resume.store(dest.path, digest)
        elif resume.stored(dest.path) != digest:
            error(f"the outputs in {dest.path} were not made by this cleaner version with these rules and options "
                  "(or by a run without --skip-existing): cleaning everything again")
            skip_existing = False
    show_progress = not quiet and not verbose and sys.stderr.isatty()
    failed_output = False
    try:
        with ExitStack() as stack:
            errors = _open_early(stack, "--errors", errors_file, atomic=False)  # as far as the run got
            stats = _open_early(stack, "--stats", stats_file, atomic=True)
            report = Report(errors, verbose)
            try:
                if input_format == "jsonl":
                    _clean_to_lines(cleaner, documents("jsonl", inputs, files_from, max_bytes=max_bytes),
                                    partial(clean_line, fields=fields), line_crashed, output or STDIO, jobs, report,
                                    show_progress)
                elif input_format == "warc":
                    report.not_pages = Counter()
                    _clean_to_lines(cleaner, documents("warc", inputs, files_from, max_bytes=max_bytes,
                                                       not_pages=report.not_pages),
                                    partial(clean_record, fields=fields), record_crashed, output or STDIO, jobs, report,
                                    show_progress)
                else:
                    _clean_files(cleaner, inputs, files_from, dest, fmt, with_metadata, skip_existing, jobs, report,
                                 show_progress, max_bytes, document_format, links)
                if stats is not None:
                    try:
                        sys.stdout.flush()
                        stats[1].write((render.json_text(report.stats_dict(), indent=1) + "\n").encode("utf-8"))
                    except OSError as e:
                        raise OutputError(f"--stats: cannot write {stats[0]}: {reason(e)}") from None
            except OutputError as e:  # the run stops; the other outputs are kept
                error(str(e))
                failed_output = True
    except OutputError as e:  # finishing --errors or --stats
        error(str(e))
        failed_output = True
    if failed_output:  # after the outputs were closed: the others are kept
        sys.exit(1)
    if digest is not None and dest.path.is_dir():
        resume.store(dest.path, digest)
    if not quiet and (output is not None or report.cleaned + report.skipped + report.failed > 1):
        error(report.summary())
    if report.failed:
        sys.exit(1)
