"""Review commands: `cleaner diff`, `cleaner check` and `cleaner rules list|show|test`.

They are registered on the `main` group at the end of cli/__init__.py and reuse its helpers, so import
them through `cleaner.cli`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .. import RuleError
from ..render import review
from ..io.batch import InputError, clean_input, find_inputs, output_path, read_input, render_result
from ..io.outputs import write_atomic
from . import CONTEXT, DISABLE_OPTION, RULES_OPTION, error, load_templates, make_cleaner
from ..decide.overrides import HEURISTICS, is_disabled
from ..io.read import is_html
from ..decide.rules import RuleSet, default_rules_dir, example_failures, load_file, rule_files, too_slow

@click.command(context_settings=CONTEXT)
@click.argument("source", metavar="INPUT")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the output: auto colours on a terminal only, and never when NO_COLOR is set.")
@click.option("--unified", is_flag=True,
              help="A unified diff of the original against the clean text (patch and git apply read it); "
                   "the rule ids are in the preamble and in the hunk headers.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every source line with its action, id and join, for programs.")
@click.option("--templates", "templates_file", type=click.Path(path_type=Path),
              help="Site templates (from 'cleaner templates'): say on how many pages of its site each line appears.")
@RULES_OPTION
@DISABLE_OPTION
def diff(source: str, color: str, unified: bool, fmt: str, templates_file: Path | None, rules: tuple[str, ...],
         disable: tuple[str, ...]) -> None:
    """Show what cleaning does to INPUT (a file or '-'): every removed line with the id of the
    rule or heuristic that removed it, every repaired wrap and the join it made, and the metadata
    fields lifted out. For HTML the original is the text extracted from the page."""
    if unified and fmt == "json":
        raise click.UsageError("--unified and --format json are two different outputs: choose one")
    if Path(source).is_dir():
        raise click.UsageError(f"{source}: diff takes one file, not a folder")
    cleaner = make_cleaner(rules, disable)
    if templates_file is not None:
        cleaner.templates = load_templates(templates_file)
    item = next(find_inputs([source]))
    try:
        data = read_input(item)
        result = clean_input(cleaner, item, data)
    except InputError as e:
        error(f"{item.name}: {e}")
        sys.exit(1)
    doc, cleaned = result.document, render_result(result, "text")
    if fmt == "json":
        click.echo(json.dumps(review.record(doc, cleaned), ensure_ascii=False, indent=1))
        return
    if color == "auto" and os.environ.get("NO_COLOR"):
        color = "never"  # https://no-color.org
    styled, echo_color = color != "never", {"always": True, "never": False}.get(color)
    if unified:
        label = "extracted text" if is_html(data, item.name) else "original"
        click.echo(review.unified_review(doc, cleaned, label, styled), nl=False, color=echo_color)
    else:
        click.echo(review.annotated(doc, styled), nl=False, color=echo_color)


@click.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--golden", "golden", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of expected outputs, in the layout `cleaner clean -o` writes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The output format the goldens were written in.")
@click.option("--with-metadata", is_flag=True, help="The goldens are text with a title/author/date header.")
@click.option("--update", is_flag=True, help="Rewrite the goldens that changed or are missing.")
@RULES_OPTION
@DISABLE_OPTION
def check(inputs: tuple[str, ...], golden: Path, fmt: str, with_metadata: bool, update: bool,
          rules: tuple[str, ...], disable: tuple[str, ...]) -> None:
    """Clean INPUT files or folders and compare with the expected outputs in --golden: a unified
    diff for each document that changed, then a summary. Exit 0 when nothing changed, 1 when a
    document changed, a golden is missing or an input failed; --update rewrites the goldens. A JSON
    record's `source` is not compared (it is the path as given, which depends on the folder the
    command runs in); --update writes the path below the INPUT folder."""
    if not update and not golden.is_dir():
        raise click.UsageError(f"golden folder {golden} does not exist (create it with --update)")
    cleaner = make_cleaner(rules, disable)
    counts = dict.fromkeys(("unchanged", "changed", "missing golden", "failed", "updated"), 0)
    seen: dict[Path, str] = {}
    for item in find_inputs(inputs):
        target = output_path(golden, item, fmt)
        try:
            if target in seen:
                raise InputError(f"golden {target} is also the golden of {seen[target]}")
            seen[target] = item.name
            result = clean_input(cleaner, item, read_input(item), source=item.rel.as_posix())
            new = render_result(result, fmt, with_metadata)
        except InputError as e:
            counts["failed"] += 1
            error(f"{item.name}: {e}")
            continue
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if old is not None and _same(old, new, fmt):
            counts["unchanged"] += 1
            continue
        counts["missing golden" if old is None else "changed"] += 1
        if old is None:
            click.echo(f"{item.name}: no golden {target}")
        else:
            click.echo(review.unified(old, new, str(target), f"{item.name}\tcleaned now"), nl=False)
        if update:
            write_atomic(target, new)
            counts["updated"] += 1
    parts = ", ".join(f"{n} {what}" for what, n in counts.items() if n or what == "unchanged")
    click.echo(f"{len(seen)} documents: {parts}")
    if counts["failed"] or (not update and (counts["changed"] or counts["missing golden"])):
        sys.exit(1)


def _same(old: str, new: str, fmt: str) -> bool:
    """True when a golden and a new output agree (JSON records: but for their `source`)."""
    if old == new:
        return True
    if fmt != "json":
        return False
    try:
        before, after = json.loads(old), json.loads(new)
    except ValueError:
        return False
    return isinstance(before, dict) and {**before, "source": None} == {**after, "source": None}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@click.group(context_settings=CONTEXT)
def rules() -> None:
    """List, show and test rules (the bundled ones and your own rule files)."""


def _rule_set(rules: tuple[str, ...], disable: tuple[str, ...]) -> RuleSet:
    return make_cleaner(rules, disable).rules


@rules.command("list", context_settings=CONTEXT)
@RULES_OPTION
@DISABLE_OPTION
def list_rules(rules: tuple[str, ...], disable: tuple[str, ...]) -> None:
    """List every rule and heuristic: id, kind, group, whether it is on (--disable), and its description."""
    rs = _rule_set(rules, disable)
    on = set(rs.rules)
    table = [("ID", "KIND", "GROUP", "STATE", "DESCRIPTION")]
    table += [(r.id, r.kind, r.group, "on" if r in on else "off", r.description) for r in rs.all_rules]
    table += [(h, "heuristic", h.split(".")[0], "off" if is_disabled(h, disable) else "on", text)
              for h, text in HEURISTICS.items()]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


@rules.command("show", context_settings=CONTEXT)
@click.argument("rule_id", metavar="ID")
@RULES_OPTION
@DISABLE_OPTION
def show_rule(rule_id: str, rules: tuple[str, ...], disable: tuple[str, ...]) -> None:
    """Show one rule (where it is defined, its pattern, options and examples) or heuristic."""
    rs = _rule_set(rules, disable)
    rule = rs.get(rule_id)
    if rule is None and rule_id in HEURISTICS:
        for name, value in (("id", rule_id), ("kind", "heuristic"), ("group", rule_id.split(".")[0]),
                            ("state", "off (--disable)" if is_disabled(rule_id, disable) else "on"),
                            ("description", HEURISTICS[rule_id])):
            click.echo(f"{name + ':':<16}{value}")
        return
    if rule is None:
        raise click.BadParameter(f"no rule {rule_id!r} (see 'cleaner rules list')", param_hint="ID")
    fields = [("id", rule.id), ("kind", rule.kind), ("group", rule.group),
              ("state", "on" if rule in rs.rules else "off (--disable)"), ("file", rule.source),
              ("description", rule.description), ("pattern", rule.pattern), ("field", rule.field),
              ("max_words", rule.max_words), ("case_sensitive", "true" if rule.case_sensitive else None),
              ("contains", ", ".join(map(repr, rule.contains)) or None)]
    for name, value in fields:
        if value is not None:
            click.echo(f"{name + ':':<16}{value}")
    for name, examples in (("match", rule.match), ("no_match", rule.no_match)):
        click.echo(f"{name}:")
        for ex in examples:
            click.echo(f"  {ex}")


@rules.command("test", context_settings=CONTEXT)
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
def test_rules(files: tuple[Path, ...]) -> None:
    """Run the match/no_match examples of rule FILES (files or folders; default: the bundled rules),
    check their ids are unique, also against the bundled rules, and probe their patterns for
    catastrophic backtracking as `clean --rules` does. Exit 1 on any failure."""
    bundled = rule_files([default_rules_dir()])
    paths = [p.resolve() for p in rule_files(files)] if files else bundled  # the bundled files named again are not twins
    failures: list[str] = []
    loaded = {}
    for path in dict.fromkeys(bundled + paths):
        try:
            loaded[path] = load_file(path)
        except RuleError as e:
            failures.append(str(e))
    for path in paths:
        failures += [msg for rule in loaded.get(path, []) for msg in example_failures(rule)]
        if files:  # the bundled rules are probed by the tests
            failures += [msg for rule in loaded.get(path, []) if (msg := too_slow(rule))]
    try:
        RuleSet([r for rs in loaded.values() for r in rs])
    except RuleError as e:
        failures.append(str(e))
    for msg in failures:
        click.echo(f"FAIL {msg}")
    tested = sum(len(loaded.get(p, [])) for p in paths)
    click.echo(f"{_count(tested, 'rule')} in {_count(len(paths), 'file')}: "
               f"{_count(len(failures), 'failure') if failures else 'no failures'}")
    if failures:
        sys.exit(1)
