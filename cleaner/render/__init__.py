"""Renderers: every output is read off the document's decisions.

`body` gives the clean text (kept lines, one blank line between paragraphs); `markdown` the kept
lines as Markdown; `removed` and `joins` list the decisions; `record` is the JSON object of one
document, `json_text` its text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import regex

from ..document import Document, Line
from ..decide.language import code
from ..decide.normalize import comparison_key

_SURROGATE = regex.compile(r"[\ud800-\udfff]")
# A YAML plain scalar that reads back as the same string: letters, digits and a few marks, no ": " or " #".
_PLAIN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\p{M} .,'’()&/-]*")
_NOT_PLAIN = regex.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~|[-+]?[\d.,_]+(e[-+]?\d+)?|\.?(inf|nan)")
CORE_FIELDS = ("title", "author", "date")  # always in a record, null when unknown
EXTRA_FIELDS = ("modified", "sitename", "url")  # in a record only when known
FIELDS = CORE_FIELDS + EXTRA_FIELDS


def body(doc: Document) -> str:
    """The article body: kept lines, paragraphs separated by one blank line."""
    return "\n\n".join(ln.text for ln in doc.lines if ln.kept)


def removed(doc: Document) -> list[dict[str, Any]]:
    """Every line that left the body: its source line number (1-based), text and the id that removed it."""
    out = []
    for ln in doc.lines:
        d = ln.decision
        if d is None:
            continue
        item: dict[str, Any] = {"line": ln.start + 1, "text": ln.text, "by": d.by}
        if d.action == "field":
            item["field"] = d.field
        out.append(item)
    return out


def joins(doc: Document) -> list[dict[str, Any]]:
    """Every repaired wrap: the source line (1-based) joined to the one before, how and by what."""
    return [{"line": j.line + 1, "by": j.by, "glue": j.glue} for ln in doc.lines for j in ln.joins]


def with_metadata(doc: Document, text: str) -> str:
    """Text output with a header of metadata fields, as trafilatura's --with-metadata does: YAML
    front matter, each value plain when it reads back as itself, else double-quoted.

    >>> with_metadata(Document("x", [], metadata={"title": "Why: a story #1", "author": "Ann Lee"}), "Body")
    '---\\ntitle: "Why: a story #1"\\nauthor: Ann Lee\\n---\\nBody'
    """
    header = ["---"] + [f"{k}: {yaml_scalar(str(doc.metadata[k]))}" for k in FIELDS if doc.metadata.get(k)] + ["---"]
    return "\n".join(header) + "\n" + text


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when YAML reads it back as this string, else double-quoted
    (a JSON string is a valid YAML double-quoted scalar)."""
    if _PLAIN.fullmatch(value) and not _NOT_PLAIN.fullmatch(value) and value == value.strip():
        return value
    return json_text(value)


def json_text(obj: Any, indent: int | None = None) -> str:
    """JSON text of `obj` that encodes as UTF-8 whatever its strings hold: a lone surrogate (from a
    ``\\ud800`` escape in a JSON line, or a file name that is not UTF-8) is written as its escape."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def fields(doc: Document) -> dict[str, Any]:
    """The metadata fields of a record: the core ones always (None when unknown), the others when known."""
    out: dict[str, Any] = {k: doc.metadata.get(k) for k in CORE_FIELDS}
    out.update({k: doc.metadata[k] for k in EXTRA_FIELDS if doc.metadata.get(k)})
    return out


def record(doc: Document, text: str) -> dict[str, Any]:
    """The JSON record of one document."""
    rec: dict[str, Any] = {"source": doc.source}
    rec.update(fields(doc))
    rec.update({"language": code(doc.language), "text": text, "removed": removed(doc), "joins": joins(doc),
                "warnings": list(doc.warnings)})
    return rec


# --- Markdown output ---------------------------------------------------------------------------

# A subheading inferred from plain text: a line this short (CJK characters count twice) between
# paragraphs, without a final stop (a question mark is not one: subheadings ask).
SUBHEADING_COLUMNS = 80
SUBHEADING_WORDS = 12
_STOP = regex.compile(r"""[.!,:;…。！，：；][\s"'”’»」』)\]]*$""")
_BULLET = regex.compile(r"^(?:[-•*·▪◦‣–]|(\d{1,3})[.)])\s+(?=\S)")  # a bullet line of plain text
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Inline characters Markdown would read as syntax (a "[" ending a line opens a link around blocks
# for `markdown.build`), and what a line may not start with.
_INLINE_SYNTAX = regex.compile(r"[\\`*]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|\](?=[(\[])|<(?=[A-Za-z/!?])"
                               r"|&(?=#?\w+;)|~(?=~)|\[(?=\s*$)")
_LINK_TEXT_SYNTAX = regex.compile(_INLINE_SYNTAX.pattern + r"|[\[\]]")  # a link's text: brackets too
_TARGET_SYNTAX = regex.compile(r"[\\<>]|&(?=#?\w+;)")  # escaped in a link target: escapes,
# angle brackets and what would read as an entity
_BLOCK_START = regex.compile(r"^(?:[-+=~>\[]|#{1,6}(?=\s|$))")
_CLOSING_HASHES = regex.compile(r"(?:^|(?<=\s))#(?=#*$)")  # would close an ATX heading
_ORDINAL_START = regex.compile(r"^(\d{1,9})([.)])(?=\s|$)")


@dataclass
class _Block:
    """A line as Markdown shows it: its kind ("heading", "item", "quote", "table", "code" or ""),
    level, list number, and the line (its text without a plain-text bullet: `text`)."""

    kind: str
    level: int
    ordinal: int | None
    line: Line
    text: str


def markdown(doc: Document, links: bool = False) -> str:
    """The kept lines as Markdown: the title as a first-level heading (not repeated below), then
    headings, lists, quotes, tables, code and paragraphs. The structure is what the input's syntax
    said (Markdown input), or inferred from plain text (`_infer_structure`). Images are dropped;
    links are kept as links with `links`, else only their text."""
    title = doc.metadata.get("title")
    title_key = comparison_key(title) if title else None
    kept = [ln for ln in doc.kept() if ln.kind != "image" and comparison_key(ln.text) != title_key]
    if any(ln.link_share is not None for ln in doc.lines):
        blocks = [_Block(ln.kind, ln.level, ln.ordinal, ln, ln.text) for ln in kept]
    else:
        blocks = _infer_structure(kept)
    out = [_heading(1, _inline(title, [], False, block=False))] if title else []
    headings = [b.level for b in blocks if b.kind == "heading"]
    shift = max(0, 2 - min(headings)) if title and headings else 0  # body headings below the title's
    for run in _runs(blocks):
        out.append(_markdown_run(run, links, shift))
    return "\n\n".join(out)


def _infer_structure(lines: list[Line]) -> list[_Block]:
    """Blocks of plain-text lines: a run of two or more bullet lines ("- ", "• ", "* ", "1. ") is
    a list; a short line without a final stop between paragraphs is a subheading."""
    bullets = [_BULLET.match(ln.text) for ln in lines]
    in_list = [bool(m) and ((i > 0 and bool(bullets[i - 1])) or (i + 1 < len(lines) and bool(bullets[i + 1])))
               for i, m in enumerate(bullets)]
    blocks = []
    for i, ln in enumerate(lines):
        m = bullets[i]
        if in_list[i] and m:
            blocks.append(_Block("item", 1, int(m[1]) if m[1] else None, ln, ln.text[m.end():]))
        elif (0 < i < len(lines) - 1 and _short(ln.text) and not m and not _short(lines[i - 1].text)
              and not in_list[i - 1] and (not _short(lines[i + 1].text) or in_list[i + 1])):
            blocks.append(_Block("heading", 2, None, ln, ln.text))
        else:
            blocks.append(_Block("", 0, None, ln, ln.text))
    return blocks


def _short(text: str) -> bool:
    """A line short enough for a subheading, without a final stop."""
    return (len(text) + len(_CJK.findall(text)) <= SUBHEADING_COLUMNS and len(text.split()) <= SUBHEADING_WORDS
            and not _STOP.search(text))


def _runs(blocks: list[_Block]) -> list[list[_Block]]:
    """Blocks grouped as Markdown writes them: a list, a quote, a table, or one block alone."""
    runs: list[list[_Block]] = []
    for b in blocks:
        prev = runs[-1][-1] if runs else None
        joined = prev is not None and prev.kind == b.kind and (
            b.kind in ("item", "quote") or (b.kind == "table" and not b.line.blank_before))
        if joined:
            runs[-1].append(b)
        else:
            runs.append([b])
    return runs


def _markdown_run(run: list[_Block], links: bool, shift: int) -> str:
    first = run[0]
    if first.kind == "heading":
        return _heading(first.level + shift, _inline(first.text, _spans(first), links, block=False))
    if first.kind == "item":
        return "\n".join(_items(run, links))
    if first.kind == "quote":
        return "> " + "".join(("\n>\n> " if i and b.line.blank_before else "\n> " if i else "")
                              + _inline(b.text, _spans(b), links) for i, b in enumerate(run))
    if first.kind == "table":
        return _table(run, links)
    if first.kind == "code":
        fence = "`" * max(3, 1 + max((len(m) for m in regex.findall(r"`+", first.text)), default=0))
        return f"{fence}\n{first.text}\n{fence}"
    return _inline(first.text, _spans(first), links)


def _heading(level: int, md: str) -> str:
    """An ATX heading (a last word of only "#" would close it: escaped)."""
    return "#" * min(6, level) + " " + _CLOSING_HASHES.sub(r"\\\g<0>", md)


def _items(run: list[_Block], links: bool) -> list[str]:
    """A list's lines; depths made to step down by at most one, from 1 (a dropped parent item
    would otherwise leave its children indented like code)."""
    out, depth = [], 0
    for b in run:
        depth = max(1, min(b.level, depth + 1))
        marker = f"{b.ordinal}. " if b.ordinal is not None else "- "
        out.append("    " * (depth - 1) + marker + _inline(b.text, _spans(b), links))
    return out


def _table(run: list[_Block], links: bool) -> str:
    """A table: the first row is the header; rows are padded to the widest."""
    rows = [_cells(b, links) for b in run]
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    lines.insert(1, "|" + " --- |" * width)
    return "\n".join(lines)


def _cells(b: _Block, links: bool) -> list[str]:
    """The cells of a table row (its text joins them with " | "; an empty first or last cell
    leaves it starting with "| " or ending with " |"), as Markdown."""
    text, spans = b.text, _spans(b)
    bounds, pos = [], 0
    for part in text.split(" | "):
        bounds.append((pos, pos + len(part)))
        pos += len(part) + 3
    if len(bounds) < b.level and text.startswith("| "):
        bounds = [(0, 0), (2, bounds[0][1]), *bounds[1:]]
    if len(bounds) < b.level and text.endswith(" |"):
        bounds = [*bounds[:-1], (bounds[-1][0], len(text) - 2), (len(text), len(text))]
    return [_inline(text[s:e], [(max(a, s) - s, min(z, e) - s, h) for a, z, h in spans if a < e and z > s], links,
                    block=False)
            .replace("|", "\\|") for s, e in bounds]


def _spans(b: _Block) -> list[tuple[int, int, str]]:
    """The link spans of a block's text (its line's, shifted when a plain-text bullet was cut)."""
    cut = len(b.line.text) - len(b.text)
    return [(s - cut, e - cut, h) for s, e, h in b.line.links or () if s >= cut]


def _inline(text: str, spans: list[tuple[int, int, str]], links: bool, block: bool = True) -> str:
    """`text` as Markdown inline content: syntax characters escaped (with `block`, also those
    that would make it start a heading, list, quote or fence); with `links`, its link spans as
    links (``javascript:`` targets are not links to keep)."""
    out, pos = [], 0
    for s, e, href in spans if links else ():
        if href and not href.startswith("javascript:") and s >= pos:
            out.append(_escape(text[pos:s]) + f"[{_escape(text[s:e], _LINK_TEXT_SYNTAX)}]({_destination(href)})")
            pos = e
    out.append(_escape(text[pos:]))
    if block and not (out[0].startswith("[") and len(out) > 1):
        out[0] = _start(out[0])
    return "".join(out)


def _escape(text: str, syntax: regex.Pattern[str] = _INLINE_SYNTAX) -> str:
    return syntax.sub(r"\\\g<0>", text)


def _destination(href: str) -> str:
    """A link target as Markdown writes it, read back as the same target: in angle brackets when it
    has spaces, parentheses or angle brackets, with backslashes, angle brackets and entity-like ``&`` escaped."""
    escaped = _TARGET_SYNTAX.sub(r"\\\g<0>", href)
    return f"<{escaped}>" if any(c in href for c in " ()<>") else escaped


def _start(md: str) -> str:
    """`md` with the characters escaped that would make its start a heading, list, quote or fence."""
    md = _ORDINAL_START.sub(r"\1\\\2", md)
    return _BLOCK_START.sub(r"\\\g<0>", md)
