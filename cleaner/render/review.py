"""Review renderers: what cleaning did to one document, read off its decisions.

``annotated`` is the original, source line by source line, each line marked with what happened to
it and the id that did it; ``unified`` is a standard unified diff of the original against the
clean text, with the ids in the preamble and in hunk headers (places ``patch`` and ``git apply``
ignore); ``record`` is the same review as a JSON-ready dict. All are pure functions over a
`Document`; for HTML its original is the text trafilatura extracted, before cleaning.

Marks in the annotated view: ``-`` removed, ``>`` lifted into a metadata field, blank: kept;
a ``+id`` in the id column means the source line was joined to the one above by that wrap repair.
With site templates, a line seen on 2 or more pages of its site is followed by a note saying on
how many ("on 212 of 230 pages of example.com").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import click
import regex

from .. import render
from ..document import Document, Join, Line
from ..decide.metadata import field_value

PAGE_METADATA = "html"  # the `by` of a field that came from the HTML page's own metadata
NOT_A_LINE = "normalize.empty"  # a source line that was nothing but invisible characters
_HUNK = regex.compile(r"^@@ -(\d+)(?:,(\d+))? ")
_LEFT_WORD = regex.compile(r"\S*\s*$")
_RIGHT_WORD = regex.compile(r"^\s*\S*")
_MARK = {"keep": " ", "drop": "-", "field": ">"}
_COLOR = {"drop": "red", "field": "yellow"}


@dataclass(frozen=True)
class Row:
    """One non-blank source line (0-based `number`) and what happened to it."""

    number: int
    raw: str
    action: str  # keep | drop | field
    by: str | None  # the id of the decision on the logical line this source line is part of
    field: str | None
    first: bool  # the first source line of its logical line (the others were joined to it)
    join: Join | None  # set on a line that wraps repair joined to the line above
    seam: tuple[str, str, str] | None  # (end of the line above, start of this one, what they became)
    template: int | None = None  # on the first row of a line: the pages of the site holding it (2 or more)


def seam(above: str, below: str, join: Join) -> tuple[str, str, str]:
    """The words on either side of a repaired wrap and the text the join made of them.

    >>> seam("depending on the level o", "f military", Join(1, "wrap.chunk-word", ""))
    ('o', 'f', 'of')
    >>> seam("the inter-", "national order", Join(1, "wrap.hyphen-drop", ""))
    ('inter-', 'national', 'international')
    """
    if join.by != "wrap.chunk-exact":  # the other repairs strip the pieces before gluing
        above, below = above.rstrip(), below.lstrip()
    left = _LEFT_WORD.search(above).group(0)  # type: ignore[union-attr]
    right = _RIGHT_WORD.match(below).group(0)  # type: ignore[union-attr]
    kept = left[:-1] if join.by == "wrap.hyphen-drop" else left
    return left, right, kept + join.glue + right


def rows(doc: Document) -> list[Row]:
    """Every non-blank source line of `doc.original`, in order, with its decision and join."""
    raw = doc.original.split("\n")
    owner: dict[int, Line] = {i: ln for ln in doc.lines for i in range(ln.start, ln.end)}
    out = []
    for i, text in enumerate(raw):
        if not text.strip():
            continue
        line = owner.get(i)
        if line is None:
            out.append(Row(i, text, "drop", NOT_A_LINE, None, True, None, None))
            continue
        d = line.decision
        action = "keep" if d is None else d.action
        join = next((j for j in line.joins if j.line == i), None)
        template = line.template_pages if i == line.start and (line.template_pages or 0) >= 2 else None
        out.append(Row(i, text, action, d.by if d else None, d.field if d else None, i == line.start,
                       join, seam(raw[i - 1], text, join) if join else None, template))
    return out


def template_note(doc: Document, pages: int) -> str:
    """Where a line's template evidence comes from: "on 212 of 230 pages of example.com"."""
    return f"on {pages} of {doc.site_pages} pages of {doc.site}"


def field_sources(doc: Document) -> dict[str, tuple[str, int | None]]:
    """For each metadata field: the id that set it and its 1-based source line (None: page metadata)."""
    out: dict[str, tuple[str, int | None]] = {}
    for name, value in doc.metadata.items():
        if not value:
            continue
        out[name] = (PAGE_METADATA, None)
        for ln in doc.lines:
            d = ln.decision
            if d and d.action == "field" and d.field == name and d.value is not None \
                    and value in (d.value, field_value(name, d.value)):
                out[name] = (d.by, ln.start + 1)
                break
    return out


def summary(doc: Document) -> str:
    """One line: source lines, lines after wrap repair kept, removed and lifted, wraps repaired."""
    actions = [ln.decision.action if ln.decision else "keep" for ln in doc.lines]
    joins = sum(len(ln.joins) for ln in doc.lines)
    sources = doc.original.count("\n") + (not doc.original.endswith("\n"))
    return (f"{sources} source lines, {len(actions)} after wrap repair: {actions.count('keep')} kept, "
            f"{actions.count('drop')} removed, {actions.count('field')} lifted into metadata; {joins} wraps repaired")


def _style(text: str, color: bool, **kw: Any) -> str:
    return click.style(text, **kw) if color else text


def _metadata_lines(doc: Document, color: bool) -> Iterator[str]:
    sources = field_sources(doc)
    if not sources:
        return
    yield "metadata:"
    width = max(map(len, sources))
    for name in [f for f in render.FIELDS if f in sources] + [f for f in sources if f not in render.FIELDS]:
        by, line = sources[name]
        where = f"line {line}, {by}" if line else "the page's metadata"
        yield f"  {name:<{width}}  {_style(str(doc.metadata[name]), color, fg='yellow')}  ({where})"


def annotated(doc: Document, color: bool = False) -> str:
    """The original with every non-blank source line marked: kept, removed (``-`` and the id),
    lifted into metadata (``>`` and the id), joined to the line above (``+`` and the wrap id,
    then the join it made). `color` adds ANSI colours (click.style)."""
    rs = rows(doc)
    labels = [r.by if r.by and r.first else (f"+{r.join.by}" if r.join else "") for r in rs]
    num_w = len(str(rs[-1].number + 1)) if rs else 1
    id_w = max(map(len, labels), default=0)
    out = [_style(f"cleaner diff {doc.source}", color, bold=True), summary(doc)]
    out += [f"warning: {w}" for w in doc.warnings]
    out += list(_metadata_lines(doc, color))
    if doc.site is not None:
        out.append(f"site: {doc.site}, {doc.site_pages} pages in the templates")
    out += ["marks: - removed, > lifted into metadata, +id joined to the line above", ""]
    for r, label in zip(rs, labels):
        fg = _COLOR.get(r.action)
        number = _style(f"{r.number + 1:>{num_w}}", color, dim=True)
        label = _style(f"{label:<{id_w}}", color, fg=fg or "cyan") if label else " " * id_w
        text = _style(r.raw.strip(), color, fg=fg) if fg else r.raw.strip()
        out.append(f"{number} {_MARK[r.action]} {label}  {text}".rstrip())
        if r.seam:
            left, right, made = r.seam
            note = f'joined "{left}" + "{right}" -> "{made}"'
            out.append(" " * (num_w + 3 + id_w + 2) + _style(note, color, fg="cyan"))
        if r.template:
            out.append(" " * (num_w + 3 + id_w + 2) + _style(template_note(doc, r.template), color, fg="magenta"))
    return "\n".join(out) + "\n"


def notes(doc: Document) -> list[str]:
    """One line per decision and join, naming the source line and the id: the review in words."""
    out = []
    for r in rows(doc):
        if r.by and r.first and r.action == "field":
            out.append(f"line {r.number + 1}: lifted into {r.field} by {r.by}")
        elif r.by and r.first:
            out.append(f"line {r.number + 1}: removed by {r.by}")
        if r.join and r.seam:
            left, right, made = r.seam
            out.append(f'line {r.number + 1}: joined to line {r.number} by {r.join.by}: "{left}" + "{right}" -> "{made}"')
        if r.template:
            out.append(f"line {r.number + 1}: {template_note(doc, r.template)}")
    return out


def unified(old: str, new: str, fromfile: str, tofile: str, preamble: Sequence[str] = (),
            hunk_ids: dict[int, list[str]] | None = None, context: int = 3, color: bool = False) -> str:
    """A unified diff of `old` against `new` that ``patch`` and ``git apply`` read.

    `preamble` lines go before the ``---`` header (where patch tools skip text); `hunk_ids` maps
    1-based lines of `old` to ids, which are written after each hunk's ``@@ ... @@`` range, the
    place diff tools keep for a section heading. A missing final newline is marked as diff does.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, fromfile, tofile, n=context))
    if not lines:
        return ""
    out = [f"# {p}\n" for p in preamble]
    for ln in lines:
        if not ln.endswith("\n"):
            ln += "\n\\ No newline at end of file\n"
        m = _HUNK.match(ln)
        if m and hunk_ids:
            start, length = int(m.group(1)), int(m.group(2) or 1)
            ids = dict.fromkeys(i for n in range(start, start + length) for i in hunk_ids.get(n, ()))
            if ids:
                ln = ln.rstrip("\n") + " " + " ".join(ids) + "\n"
        out.append(_color_diff_line(ln, color) if color else ln)
    return "".join(out)


def _color_diff_line(line: str, color: bool) -> str:
    if line.startswith(("---", "+++", "#")):
        return _style(line, color, bold=True)
    if line.startswith("@@"):
        return _style(line, color, fg="cyan")
    if line.startswith(("-", "+")):
        return _style(line, color, fg="red" if line[0] == "-" else "green")
    return line


def ids_by_line(doc: Document) -> dict[int, list[str]]:
    """1-based source line → the ids of the decision and join that touched it."""
    out: dict[int, list[str]] = {}
    for r in rows(doc):
        out[r.number + 1] = [i for i in (r.by, r.join.by if r.join else None) if i]
    return out


def unified_review(doc: Document, cleaned: str, original_label: str = "original", color: bool = False) -> str:
    """The original against the clean text (`cleaned`, as `cleaner clean` writes it) as a unified
    diff: the decisions, joins and lifted fields in the preamble, each hunk's ids in its header."""
    preamble = [f"cleaner diff {doc.source}: {summary(doc)}"]
    preamble += [f"{name} = {doc.metadata[name]!r} ({by}{f', line {line}' if line else ''})"
                 for name, (by, line) in field_sources(doc).items()]
    preamble += notes(doc) + [f"warning: {w}" for w in doc.warnings]
    return unified(doc.original, cleaned, f"{doc.source}\t{original_label}", f"{doc.source}\tcleaned",
                   preamble, ids_by_line(doc), color=color)


def record(doc: Document, cleaned: str) -> dict[str, Any]:
    """The review as a JSON-ready dict: every non-blank source line with its action, id and join;
    the metadata fields with where they came from; the clean text and the warnings."""
    sources = field_sources(doc)
    return {
        "source": doc.source,
        "metadata": {k: {"value": doc.metadata[k], "by": by, "line": line} for k, (by, line) in sources.items()},
        "lines": [{"line": r.number + 1, "text": r.raw, "action": r.action, "by": r.by, "field": r.field,
                   "join": None if r.join is None or r.seam is None else
                   {"by": r.join.by, "glue": r.join.glue, "left": r.seam[0], "right": r.seam[1], "made": r.seam[2]},
                   **({"template_pages": r.template} if r.template else {})}
                  for r in rows(doc)],
        **({"site": doc.site, "site_pages": doc.site_pages} if doc.site is not None else {}),
        "removed": render.removed(doc),
        "joins": render.joins(doc),
        "warnings": list(doc.warnings),
        "text": cleaned,
    }
