"""The command line: thin click commands over the API and the batch helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import Cleaner, RuleError, __version__
from .batch import InputError, clean_input, find_inputs, output_path, read_input, render_result, write_atomic

CONTEXT = {"help_option_names": ["-h", "--help"]}


def error(msg: str) -> None:
    click.echo(f"cleaner: {msg}", err=True)


def make_cleaner(rules: tuple[str, ...], disable: tuple[str, ...]) -> Cleaner:
    try:
        return Cleaner(rules=rules, disable=disable)
    except RuleError as e:
        raise click.UsageError(str(e)) from None


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
def main() -> None:
    """Strip boilerplate from scraped news text and HTML pages, saying why for every line."""


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder; each input DIR/sub/name.ext is written to OUTDIR/sub/name.txt (or .json).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the article body; json: one record with metadata and the removed lines.")
@click.option("--with-metadata", is_flag=True, help="Text output starts with a title/author/date header.")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder (repeatable).")
@click.option("--disable", multiple=True, help="Switch off a rule id or a group such as 'caption' (repeatable).")
def clean(inputs: tuple[str, ...], outdir: Path | None, fmt: str, with_metadata: bool,
          rules: tuple[str, ...], disable: tuple[str, ...]) -> None:
    """Clean INPUT files, folders (searched for .txt, .html, .htm) or '-' (stdin).

    Without -o a single input is written to stdout (several inputs need -o, or --format json,
    which writes one JSON record per line). A bad input is reported on stderr and the others go
    on; the exit code is then 1.
    """
    cleaner = make_cleaner(rules, disable)
    items = find_inputs(inputs)
    if outdir is None and fmt == "text" and (len(inputs) > 1 or Path(inputs[0]).is_dir()):
        raise click.UsageError("several inputs need -o OUTDIR (or --format json for JSON lines on stdout)")
    failed = 0
    written: dict[Path, str] = {}
    for item in items:
        try:
            result = clean_input(cleaner, item, read_input(item))
            if outdir is None:
                sys.stdout.write(render_result(result, fmt, with_metadata, one_line=True))
                continue
            target = output_path(outdir, item, fmt)
            if target in written:
                raise InputError(f"output {target} would overwrite the output of {written[target]}")
            write_atomic(target, render_result(result, fmt, with_metadata))
            written[target] = item.name
        except InputError as e:
            failed += 1
            error(f"{item.name}: {e}")
    if failed:
        sys.exit(1)


from .cli_eval import evaluate  # noqa: E402  (last: cli_eval uses the helpers above)
main.add_command(evaluate)

from .cli_review import check, diff, rules  # noqa: E402  (last: cli_review uses the helpers above)
for _command in (diff, check, rules):
    main.add_command(_command)
