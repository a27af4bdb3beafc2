"""`cleaner eval`: score cleaned outputs (or the cleaner itself, on the fly) against ground truth.

Documents are named by their truth file: TRUTH_DIR/<name>.txt, or TRUTH_DIR/<name>/truth.txt (a
folder per document, as in the benchmark dev set). The prediction for <name> is PRED_DIR/<name>.txt;
with --input it is the cleaner's output for INPUT/<name>.txt (.html, .htm), or INPUT/<name>/FILE
with --input-file FILE.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import Cleaner
from ..io.batch import SUFFIXES, Input, InputError, clean_input, read_input
from . import CONTEXT, DISABLE_OPTION, RULES_OPTION, error, make_cleaner
from ..score.evaluate import DocScore, score_doc, summarize, worst, worst_table
from ..io.read import NotText, decode

TRUTH_FILE = "truth.txt"

# A source of predictions: the text for a document name, or None when there is none.
Predictor = Callable[[str], str | None]


def find_truths(root: Path) -> dict[str, Path]:
    """Truth files by document name: ROOT/<name>.txt, or ROOT/<name>/truth.txt (the other files in
    a folder holding truth.txt, such as the inputs, are not truths)."""
    found: dict[str, Path] = {}

    def add(name: str, path: Path) -> None:
        if name in found:
            raise click.UsageError(f"two truth files for document {name!r}: {found[name]} and {path}")
        found[name] = path

    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if TRUTH_FILE in files and here != root:
            add(here.relative_to(root).as_posix(), here / TRUTH_FILE)
            dirs.clear()
            continue
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".txt"):
                add((here / f).relative_to(root).with_suffix("").as_posix(), here / f)
    return found


def read_text(path: Path) -> str:
    """The decoded text of a file; InputError names the file and the problem."""
    try:
        return decode(read_input(Input(path, Path(path.name))))
    except (InputError, NotText) as e:
        raise InputError(f"{path}: {e}") from None


def from_folder(pred_dir: Path) -> Predictor:
    """Predictions read from PRED_DIR/<name>.txt."""
    def predict(name: str) -> str | None:
        path = pred_dir / f"{name}.txt"
        return read_text(path) if path.exists() else None
    return predict


def cleaned_on_the_fly(cleaner: Cleaner, input_dir: Path, input_file: str | None) -> Predictor:
    """Predictions made by cleaning INPUT/<name>.txt (.html, .htm), or INPUT/<name>/FILE."""
    def predict(name: str) -> str | None:
        candidates = ([input_dir / name / input_file] if input_file else
                      [input_dir / f"{name}{suffix}" for suffix in SUFFIXES])
        found = [p for p in candidates if p.is_file()]
        if not found:
            return None
        if len(found) > 1:
            raise InputError(f"{input_dir / name}: several inputs ({', '.join(p.name for p in found)})")
        item = Input(found[0], Path(found[0].name))
        try:
            return clean_input(cleaner, item, read_input(item), metadata=False).text  # the text alone is scored
        except InputError as e:
            raise InputError(f"{found[0]}: {e}") from None
    return predict


def summary_text(scores: dict[str, DocScore], missing: int, failed: int, n_worst: int) -> str:
    s = summarize(list(scores.values()))
    lines = [f"documents  {s.n:>6}",
             f"precision  {s.precision:6.3f}",
             f"recall     {s.recall:6.3f}",
             f"F1         {s.f1:6.3f}",
             f"junk kept  {s.junk:6.3f}",
             f"body lost  {s.lost:6.3f}",
             f"empty      {s.empty:>6}"]
    if missing:
        lines.append(f"missing    {missing:>6}  (no prediction: scored as empty output)")
    if failed:
        lines.append(f"failed     {failed:>6}  (see the errors above)")
    if n_worst and scores:
        rows = worst(scores, n_worst)
        lines += ["", f"worst {len(rows)} documents:", worst_table(rows)]
    return "\n".join(lines) + "\n"


@click.command("eval", context_settings=CONTEXT)
@click.argument("pred_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--truth", "truth_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of ground-truth bodies: <name>.txt, or <name>/truth.txt per document.")
@click.option("--input", "input_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Clean this folder on the fly (<name>.txt, .html, .htm) instead of reading PRED_DIR.")
@click.option("--input-file", metavar="FILE",
              help="With --input, a folder per document: clean <name>/FILE (e.g. innertext.txt).")
@click.option("--worst", "n_worst", default=10, show_default=True, type=click.IntRange(min=0),
              help="How many of the worst documents (lowest F1) to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the summary, every document's figures, the worst, missing and failed documents.")
@RULES_OPTION
@DISABLE_OPTION
def evaluate(pred_dir: Path | None, truth_dir: Path, input_dir: Path | None, input_file: str | None,
             n_worst: int, fmt: str, rules: tuple[str, ...], disable: tuple[str, ...]) -> None:
    """Score PRED_DIR/<name>.txt against --truth with the benchmark's token-shingle metric.

    Prints precision, recall, F1 (of the two means), junk kept, body lost, empty outputs and the
    worst documents. A missing prediction counts as an empty output and is reported on stderr; a file
    that cannot be read or cleaned is reported too (a failed prediction is scored as empty). The exit
    code is 1 when a prediction is missing or a file failed.
    """

    if (pred_dir is None) == (input_dir is None):
        raise click.UsageError("give either PRED_DIR or --input DIR")
    if input_file and input_dir is None:
        raise click.UsageError("--input-file needs --input")
    if (rules or disable) and input_dir is None:
        raise click.UsageError("--rules and --disable need --input (PRED_DIR is already cleaned)")
    truths = find_truths(truth_dir)
    if not truths:
        raise click.UsageError(f"no truth files (<name>.txt or <name>/truth.txt) in {truth_dir}")
    if input_dir is not None:
        predict = cleaned_on_the_fly(make_cleaner(rules, disable), input_dir, input_file)
    else:
        assert pred_dir is not None
        predict = from_folder(pred_dir)
    scores: dict[str, DocScore] = {}
    missing: list[str] = []
    failed: list[dict[str, str]] = []
    for name, truth_path in truths.items():
        try:
            truth = read_text(truth_path)
        except InputError as e:
            error(f"{e} (truth: document not scored)")
            failed.append({"document": name, "error": str(e)})
            continue
        try:
            pred = predict(name)
        except InputError as e:
            error(f"{e} (scored as empty output)")
            failed.append({"document": name, "error": str(e)})
            pred = ""
        if pred is None:
            missing.append(name)
            pred = ""
        scores[name] = score_doc(truth, pred)
    if missing:
        shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
        hint = " (is the layout <name>.txt? does --input need --input-file?)" if len(missing) == len(truths) else ""
        error(f"no prediction for {len(missing)} of {len(truths)} documents (scored as empty): {shown}{hint}")
    if fmt == "json":
        record = {"summary": summarize(list(scores.values())).to_dict(),
                  "documents": {name: s.to_dict() for name, s in scores.items()},
                  "worst": [name for name, _ in worst(scores, n_worst)],
                  "missing": missing, "failed": failed}
        click.echo(json.dumps(record, ensure_ascii=False, indent=1))
    else:
        click.echo(summary_text(scores, len(missing), len(failed), n_worst), nl=False)
    if failed or missing:
        sys.exit(1)
