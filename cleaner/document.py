"""The model every pipeline stage reads and annotates: lines, decisions, the document.

Stages never delete or rewrite text while they decide. A wrap repair records the join it made
(`Join`); a rule or heuristic that removes a line records a `Decision` with its id; metadata
lifted out of a line is a `Decision` too (action ``"field"``). Only rendering reads the decisions
and produces the clean text, so the original is always recoverable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Action = Literal["drop", "field"]


@dataclass(slots=True)
class Decision:
    """Why a line leaves the body: the id of the rule or heuristic, and a lifted field if any."""

    action: Action
    by: str
    field: str | None = None
    value: str | None = None


@dataclass(slots=True)
class Join:
    """A repaired line wrap: source line `line` was joined to the previous one by `by`.

    `glue` is the text put between the two pieces: "" (a word cut in two) or " " (a soft wrap).
    """

    line: int
    by: str
    glue: str


@dataclass(slots=True)
class Line:
    """One logical line (a paragraph candidate) after wrap repair.

    `start`/`end` are 0-based source line numbers (end exclusive) of the physical lines it came from;
    `blank_before` tells whether a blank line separated it from the previous logical line.
    What the input's own syntax says of the line (Markdown; plain text says nothing): `kind` is
    "heading", "item" (of a list), "quote", "table" (a row), "image", "code" or "" (a paragraph,
    or unknown), `level` the heading level, list depth or a table row's number of cells,
    `link_share` the share of its characters that are link text (None when the input cannot say:
    plain text), `links` the link targets as (start, end, target) spans of `text`, `ordinal` the
    number of an ordered list's item. `template_pages`: on how many pages of the document's site
    this line appears (`templates.Templates.share`; 0: on fewer than 2), None without templates.
    """

    text: str
    start: int
    end: int
    blank_before: bool = True
    joins: list[Join] = field(default_factory=list)
    decision: Decision | None = None
    kind: str = ""
    level: int = 0
    link_share: float | None = None
    links: list[tuple[int, int, str]] | None = None
    ordinal: int | None = None
    template_pages: int | None = None

    @property
    def kept(self) -> bool:
        return self.decision is None

    def drop(self, by: str) -> None:
        """Mark the line removed by `by`, unless an earlier stage already decided."""
        if self.decision is None:
            self.decision = Decision("drop", by)

    def lift(self, by: str, name: str, value: str) -> None:
        """Move the line out of the body into metadata field `name`."""
        if self.decision is None:
            self.decision = Decision("field", by, name, value)


@dataclass
class Document:
    """A document in the pipeline: its lines with their decisions, metadata and warnings; with
    templates, its `site` and how many pages of that site they counted (`site_pages`)."""

    source: str
    lines: list[Line]
    original: str = ""
    metadata: dict[str, str | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    language: str | None = None
    site: str | None = None
    site_pages: int | None = None

    def kept(self) -> list[Line]:
        return [ln for ln in self.lines if ln.kept]
