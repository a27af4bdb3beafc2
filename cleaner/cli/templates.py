"""`cleaner templates`: count a batch's lines per site and write them for review and reuse.

Registered on the `main` group through cli/__init__.py's LazyGroup; it reuses that module's helpers.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from ..io.batch import MAX_BYTES, STDIN, SUFFIXES, available_cpus
from . import (CONTEXT, DISABLE_OPTION, RULES_OPTION, URL_FIELD_OPTION, Refused, Report, _input_format,
               _need_warc_files, _open_early, error, learn_batch, make_cleaner)
from ..io.jsonl import SUFFIXES as JSONL_SUFFIXES
from ..io.jsonl import Fields
from ..io.outputs import STDIO, OutputError, check_not_an_input
from ..io.warc import SUFFIXES as WARC_SUFFIXES


@click.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", default=STDIO, show_default=True, type=click.Path(dir_okay=False, path_type=str),
              help="The templates file (JSON) to write; '-': stdout.")
@click.option("--input-format", type=click.Choice(["auto", "text", "markdown", "html", "jsonl", "warc"]),
              default="auto", show_default=True, help="What the inputs are, as for 'cleaner clean'.")
@click.option("--files-from", metavar="LIST", help="Also count the inputs named in LIST, one per line.")
@URL_FIELD_OPTION
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--markdown", "jsonl_markdown", is_flag=True, help="JSONL: the text field holds Markdown.")
@click.option("--html", "jsonl_html", is_flag=True, help="JSONL: the text field holds HTML.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the CPUs this process may use).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True,
              help="Inputs (JSON lines, WARC records) larger than this are not read.")
@RULES_OPTION
@DISABLE_OPTION
@click.option("--fast", is_flag=True, help="HTML: extract as 'cleaner clean --fast' does (give it when the cleaning "
                                           "run will: the lines counted are the lines it sees).")
@click.option("-q", "--quiet", is_flag=True, help="No summary; failures are still reported.")
def templates(inputs: tuple[str, ...], output: str, input_format: str, files_from: str | None, url_field: str,
              text_field: str, jsonl_markdown: bool, jsonl_html: bool, jobs: int | None, max_bytes: int,
              rules: tuple[str, ...], disable: tuple[str, ...], fast: bool, quiet: bool) -> None:
    """Count, per site, on how many pages each line of a batch appears (the batch INPUT... as
    'cleaner clean' reads it: files, folders, globs, JSON lines, WARC) and write the counts as JSON:
    per site its pages and, for each line seen on 2 or more pages, its hash and count (with the
    text of the most frequent, for review). 'cleaner clean --templates FILE' uses them.

    A site is the host of a document's URL (JSON lines: --url-field; WARC: the record's; a
    meta.json beside a file; an HTML page's canonical URL), else the document's folder.
    """
    if not inputs and not files_from:
        raise click.UsageError("give INPUT... or --files-from LIST")
    if STDIN in (*inputs, files_from):
        raise click.UsageError("templates are counted over files: stdin cannot be read again to clean it")
    if files_from and not os.path.isfile(files_from):
        raise click.UsageError(f"--files-from {files_from}: no such file")
    if jsonl_markdown and jsonl_html:
        raise click.UsageError("--markdown and --html exclude each other")
    kind, document_format = _input_format(input_format, inputs, files_from)
    if kind == "warc":
        _need_warc_files(inputs, files_from)
    try:
        suffixes = {"files": SUFFIXES, "jsonl": JSONL_SUFFIXES, "warc": WARC_SUFFIXES}[kind]
        check_not_an_input("-o", output, inputs, suffixes)
    except OutputError as e:
        raise Refused(str(e)) from None
    cleaner = make_cleaner(rules, disable, fast)
    said = "markdown" if jsonl_markdown else "html" if jsonl_html else None
    fields = Fields(text_field, input_format=said, url=url_field)
    report = Report(None, verbose=False)
    try:
        with ExitStack() as stack:
            _, sink = _open_early(stack, "-o", Path(output), atomic=True)  # a file appears only when all is counted
            learned = learn_batch(cleaner, kind, inputs, files_from, document_format, fields, max_bytes,
                                  jobs or available_cpus(), report, quiet)
            try:
                sink.write(learned.dumps().encode("utf-8"))
            except OSError as e:
                raise OutputError(f"-o: cannot write {output}: {e.strerror or e}") from None
    except OutputError as e:
        error(str(e))
        sys.exit(1)
    if report.failed:
        sys.exit(1)
