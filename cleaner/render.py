"""Renderers: every output is read off the document's decisions.

`body` gives the clean text (kept lines, one blank line between paragraphs); `removed` and
`joins` list the decisions; `record` is the JSON object of one document.
"""

from __future__ import annotations

from typing import Any

from .document import Document

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
    """Text output with a header of metadata fields, as trafilatura's --with-metadata does."""
    header = ["---"] + [f"{k}: {doc.metadata[k]}" for k in FIELDS if doc.metadata.get(k)] + ["---"]
    return "\n".join(header) + "\n" + text


def fields(doc: Document) -> dict[str, Any]:
    """The metadata fields of a record: the core ones always (None when unknown), the others when known."""
    out: dict[str, Any] = {k: doc.metadata.get(k) for k in CORE_FIELDS}
    out.update({k: doc.metadata[k] for k in EXTRA_FIELDS if doc.metadata.get(k)})
    return out


def record(doc: Document, text: str) -> dict[str, Any]:
    """The JSON record of one document."""
    rec: dict[str, Any] = {"source": doc.source}
    rec.update(fields(doc))
    rec.update({"language": doc.language, "text": text, "removed": removed(doc), "joins": joins(doc),
                "warnings": list(doc.warnings)})
    return rec
