"""cleaner: strip boilerplate from scraped news text and HTML, saying why for every line.

    >>> from cleaner import clean
    >>> result = clean("SUBSCRIBE NOW\\n\\nA headline about the talks\\n\\n"
    ...                "The two leaders met on Monday and agreed to keep talking next year.")
    >>> result.title, result.text
    ('A headline about the talks', 'The two leaders met on Monday and agreed to keep talking next year.')
    >>> [(r["text"], r["by"]) for r in result.removed]
    [('SUBSCRIBE NOW', 'nav.subscribe'), ('A headline about the talks', 'meta.title')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import render
from .document import Document
from .pipeline import build, clean_document
from .read import decode
from .rules import RuleError, RuleSet

__version__ = "0.1.0"
__all__ = ["Cleaner", "Result", "RuleError", "clean", "__version__"]


@dataclass
class Result:
    """The outcome of cleaning one document."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    document: Document = field(repr=False)

    @property
    def removed(self) -> list[dict[str, Any]]:
        """Each removed line: source line number, text, and the id of the rule or heuristic."""
        return render.removed(self.document)

    @property
    def metadata(self) -> dict[str, str | None]:
        return dict(self.document.metadata)

    @property
    def warnings(self) -> list[str]:
        return list(self.document.warnings)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: source, title, author, date (and modified, sitename, url when known),
        language, text, removed, joins, warnings."""
        return render.record(self.document, self.text)


class Cleaner:
    """A configured cleaner, reusable for many documents and safe to share between threads.

    `rules`: extra rule files or folders; `disable`: rule ids or groups to switch off
    (``"caption"``, ``"nav.share"``); `defaults`: load the bundled rule sets; `fast`: HTML pages
    are extracted by trafilatura alone instead of the best of several extractors (faster, less exact).
    """

    def __init__(self, rules: Iterable[str | Path] = (), disable: Iterable[str] = (), defaults: bool = True,
                 fast: bool = False):
        self.rules = RuleSet.load([Path(p) for p in rules], disable, defaults)
        self.fast = fast

    def clean(self, data: str | bytes, source: str = "<text>", html: bool | None = None,
              metadata: bool = True) -> Result:
        """Clean one document given as text or bytes. `html` forces (True) or forbids (False)
        the HTML path; by default it is chosen by the source's extension or the content. For HTML,
        `metadata=False` skips the page's author, date, sitename and url (the title stays: the
        text is the same, sooner)."""
        from .html import build_page, is_html

        if html is None:
            html = is_html(data, source)
        if html:
            doc, profile = build_page(data, source, metadata, self.fast)
        else:
            doc, profile = build(decode(data) if isinstance(data, bytes) else data, source), "text"
        clean_document(doc, self.rules, profile)
        return Result(render.body(doc), doc.metadata.get("title"), doc.metadata.get("author"),
                      doc.metadata.get("date"), doc)

    def clean_many(self, items: Iterable[str | bytes | tuple[str, str | bytes]]) -> Iterator[Result]:
        """Clean documents one after another, yielding results as they are ready (nothing is read
        ahead). An item is a text, bytes, or a ``(source, text_or_bytes)`` pair naming it."""
        for i, item in enumerate(items):
            source, data = item if isinstance(item, tuple) else (f"<item {i}>", item)
            yield self.clean(data, source=source)


_default: Cleaner | None = None


def clean(data: str | bytes, source: str = "<text>", html: bool | None = None, metadata: bool = True) -> Result:
    """Clean one document with the bundled rules (the cleaner is built once and reused)."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default.clean(data, source, html, metadata)
