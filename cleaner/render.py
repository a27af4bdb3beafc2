"""Renderers: every output is read off the document's decisions.

`body` gives the clean text (kept lines, one blank line between paragraphs); `removed` and
`joins` list the decisions; `record` is the JSON object of one document, `json_text` its text.
"""

from __future__ import annotations

import json
from typing import Any

import regex

from .document import Document
from .language import code

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
