"""cleaner: strip boilerplate from scraped news text, Markdown and HTML, saying why for every line.

    >>> from cleaner import clean
    >>> result = clean("SUBSCRIBE NOW\\n\\nLeaders agree to keep talking about trade\\n\\n27 November 2024\\n\\n"
    ...                "The two leaders met on Monday and agreed to keep talking next year.")
    >>> result.title, result.date, result.text
    ('Leaders agree to keep talking about trade', '2024-11-27', 'The two leaders met on Monday and agreed to keep talking next year.')
    >>> [(r["text"], r["by"]) for r in result.removed]
    [('SUBSCRIBE NOW', 'nav.subscribe'), ('Leaders agree to keep talking about trade', 'meta.title'), ('27 November 2024', 'meta.dateline')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decide import caches, overrides
from .io import formats, markdown
from . import render
from .document import Document
from .pipeline import built_parts, clean_document, joined, shifted
from .io.read import decode, without_surrogates
from .decide.rules import RuleError, RuleSet, budget, time_budget
from .decide.templates import Templates, site_of

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

    `rules`: extra rule files or folders; `disable`: rule ids or groups, or heuristic ids
    (``"model"``, ``"heuristic.duplicate"``), to switch off (``"caption"``, ``"nav.share"``; an unknown name is a
    `RuleError`); `defaults`: load the bundled rule sets; `templates`: the site templates of a
    batch (`cleaner.decide.templates.Templates`), used for every document that names no others; `fast`:
    HTML pages are extracted by trafilatura alone instead of the best of several extractors
    (faster, less exact); `stable`: scraped text is cleaned again until nothing changes, so that
    cleaning the output gives it back unchanged (about half the speed, and it keeps a little less).
    """

    def __init__(self, rules: Iterable[str | Path] = (), disable: Iterable[str] = (), defaults: bool = True,
                 templates: Templates | None = None, fast: bool = False, stable: bool = False):
        self.disabled = tuple(disable)
        self.rules = RuleSet.load([Path(p) for p in rules], self.disabled, defaults)
        self.templates = templates
        self.fast = fast
        self.stable = stable
        overrides.check_disabled(self.disabled, self.rules)

    def build(self, data: str | bytes, source: str = "<text>", input_format: str | None = None,
              html: bool | None = None, metadata: bool = True) -> tuple[Document, str]:
        """The front door alone: the document as the pipeline first sees it (lines built, wraps
        repaired; for HTML the chosen extraction, `html.build_page`), with the profile its text
        needs. `input_format`, `html`, `metadata`: as for `clean`."""
        data = _document(data)
        fmt = formats.said(input_format, html) or formats.detect(data, source)
        if fmt == "html":
            from .html import build_page

            return build_page(data, source, metadata, self.fast)
        text = decode(data) if isinstance(data, bytes) else data
        if fmt == "markdown":
            return markdown.build(text, source), "text"
        return _joined([shifted(doc, first) for doc, first in built_parts(text, source)]), "text"

    def clean(self, data: str | bytes, source: str = "<text>", html: bool | None = None,
              input_format: str | None = None, site: str | None = None, templates: Templates | None = None,
              site_fallback: str | None = None, metadata: bool = True) -> Result:
        """Clean one document given as text or bytes. `input_format` says what it is: "text",
        "markdown" or "html"; by default it is found out from the source's suffix, then the
        content (`formats.detect`). `html` is the older way to say it (True: "html", False: "text").
        With `templates` (or the cleaner's own), the document's site is `site` (the host of its
        URL), else the host of the page's canonical URL, else `site_fallback` (a batch gives the
        input's folder), and each line gets the pages of that site it appears on
        (`Line.template_pages`, `Document.site_pages`) before any decision.
        For HTML, `metadata=False` skips the page's author, date, sitename and url (the title
        stays: the text is the same, sooner); with templates they are read all the same (the
        canonical URL names the site, as in the pass that counted the templates).
        The searches with user rules share a time budget linear in its length (`rules.RuleTimeout`)."""
        data = _document(data)
        templates = templates if templates is not None else self.templates
        if (formats.said(input_format, html) or formats.detect(data, source)) == "text":
            text = decode(data) if isinstance(data, bytes) else data
            doc = _joined([r.document for r in self.clean_parts(text, source, site, templates, site_fallback)])
            return Result(render.body(doc), doc.metadata.get("title"), doc.metadata.get("author"),
                          doc.metadata.get("date"), doc)
        with time_budget(budget(len(data))):
            doc, profile = self.build(data, source, input_format, html, metadata or templates is not None)
            if templates is not None:
                templates.annotate(doc, site_of(doc, site, site_fallback))
            clean_document(doc, self.rules, profile, settle=self.stable)
            overrides.apply(doc, self.rules, self.disabled)
        caches.note(len(data))
        return Result(render.body(doc), doc.metadata.get("title"), doc.metadata.get("author"),
                      doc.metadata.get("date"), doc)

    def clean_parts(self, text: str, source: str = "<text>", site: str | None = None,
                    templates: Templates | None = None, site_fallback: str | None = None) -> Iterator[Result]:
        """Clean scraped text part by part (`pipeline.text_parts`: parts of about 10,000 lines, cut
        at blank lines), yielding each part's result as it is ready, its lines numbered in the whole
        text; the parts share the document's metadata (the title lifted in the first is lifted from
        the others). A text of fewer lines is one part. `clean(text)` is these parts as one
        document; their texts, the non-empty ones joined by a blank line, are its text, which a
        batch writes without holding every line of a long text at once. Arguments as for `clean`."""
        templates = templates if templates is not None else self.templates
        metadata: dict[str, str | None] = {}
        warnings: list[str] = []
        for k, (doc, first) in enumerate(built_parts(without_surrogates(text), source)):
            if k:  # a long text: its lines seldom repeat from one part to the next
                caches.clear()
            doc.metadata, doc.warnings = metadata, warnings
            with time_budget(budget(len(doc.original))):
                if templates is not None:
                    templates.annotate(doc, site_of(doc, site, site_fallback))
                clean_document(doc, self.rules, "text", settle=self.stable)
                overrides.apply(doc, self.rules, self.disabled)
            caches.note(len(doc.original))
            yield Result(render.body(doc), metadata.get("title"), metadata.get("author"), metadata.get("date"),
                         shifted(doc, first))

    def clean_many(self, items: Iterable[str | bytes | tuple[str, str | bytes]]) -> Iterator[Result]:
        """Clean documents one after another, yielding results as they are ready (nothing is read
        ahead). An item is a text, bytes, or a ``(source, text_or_bytes)`` pair naming it."""
        for i, item in enumerate(items):
            source, data = item if isinstance(item, tuple) else (f"<item {i}>", item)
            yield self.clean(data, source=source)


def _joined(parts: list[Document]) -> Document:
    """The parts of one text (`Cleaner.clean_parts`) as one document."""
    return parts[0] if len(parts) == 1 else joined(parts, "".join(p.original for p in parts))


def _document(data: object) -> str | bytes:
    """`data` as a document: bytes, or text with lone surrogates replaced; TypeError for anything else."""
    if isinstance(data, str):
        return without_surrogates(data)
    if isinstance(data, bytes):
        return data
    raise TypeError(f"a document is str or bytes, not {type(data).__name__}")


_default: Cleaner | None = None


def clean(data: str | bytes, source: str = "<text>", html: bool | None = None,
          input_format: str | None = None, site: str | None = None, templates: Templates | None = None,
          metadata: bool = True) -> Result:
    """Clean one document with the bundled rules (the cleaner is built once and reused); `site`,
    `templates` and `metadata` as for `Cleaner.clean`."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default.clean(data, source, html, input_format, site, templates, metadata=metadata)
