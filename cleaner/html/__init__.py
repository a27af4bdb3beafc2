"""The HTML front door: bytes to text, several candidate extractions, and a learned choice between them.

The page is made safe to parse (`markup.sanitize`: characters XML cannot hold removed, tags with
hostile numbers of attributes bounded) and parsed once, by trafilatura's own parser settings (its
comment-free tree keeps the text after inline links; `huge_tree` keeps nesting up to libxml2's limit
of 2048). The candidates (`extractors`): trafilatura in its balanced, precision and recall modes,
the readability passes trafilatura runs inside the first two (captured, so free), readability-lxml,
resiliparse's main content, and the page's visible text. `chooser` predicts each candidate's F1 from
features of its text and picks the best; lines trafilatura found inside the chosen text's article
(embedded posts, quotes) are put back. The chosen text then runs through the same pipeline as
scraped text (profile ``"html"``). With `fast`, trafilatura's balanced mode alone is used.

A page nested deeper than libxml2 reads, or that cannot be parsed, or where every extractor finds
nothing, is cleaned from its visible text (resiliparse, which has no depth limit) as scraped text,
with a warning. Metadata (title, author, date, sitename, url) is read only when asked for; the title
used to remove its copies from the body is always read the same cheap way, so the text does not
depend on it. trafilatura, readability and resiliparse are imported only when an HTML page arrives.
No function here does any I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import chooser, extractors
from ..document import Document
from .markup import sanitize
from ..pipeline import build
from ..io.read import decode_html as decode

FALLBACK_VISIBLE = "html.fallback-visible-text"
TOO_DEEP = "html.too-deep"
FAST = "trafilatura"  # the one extractor of --fast


@dataclass
class Page:
    """What the extractors found: the text to clean, metadata, which candidate was chosen, and notes for warnings."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    chosen: str = ""
    warnings: list[str] = field(default_factory=list)
    extracted: bool = True  # False: the page's visible text, which needs the full plain-text profile


def build_page(data: str | bytes, source: str = "<html>", metadata: bool = True,
               fast: bool = False) -> tuple[Document, str]:
    """The front door for HTML: decode, extract, build the document with the page's title (and, with
    `metadata`, its other metadata fields); returns it with the pipeline profile its text needs."""
    page = extract(decode(data) if isinstance(data, bytes) else data, metadata, fast)
    # one paragraph per line, blank lines between them: a short line is never read as a soft wrap
    doc = build("\n\n".join(page.text.splitlines()), source)
    doc.metadata.update(page.metadata)
    doc.warnings.extend(page.warnings)
    return doc, "html" if page.extracted else "text"


def extract(html: str, metadata: bool = True, fast: bool = False) -> Page:
    """The page's main text (and metadata), falling back so a page never comes out empty."""
    html, notes = sanitize(html)
    tree, too_deep = extractors.parse(html)
    visible = extractors.resiliparse(html, main_content=False)
    if tree is None or too_deep:
        why = (f"{TOO_DEEP}: the page nests deeper than {extractors.MAX_DEPTH} elements, past what the HTML parser reads"
               if too_deep else f"{FALLBACK_VISIBLE}: the page could not be parsed as HTML")
        return Page(visible, warnings=[*notes, f"{why}; its visible text is cleaned as scraped text"], extracted=False)
    found = extractors.candidates(html, tree, (FAST,) if fast else extractors.CANDIDATES)
    fields = extractors.metadata(tree) if metadata else {}  # after the candidates: it must not touch what they read
    title = extractors.title(tree)
    if title:
        fields["title"] = title
    if not any(text.strip() for text in found.values()):
        return Page(visible, fields, warnings=[*notes, f"{FALLBACK_VISIBLE}: no extractor found a main text; "
                                                       "the page's visible text is cleaned as scraped text"],
                    extracted=False)
    found["visible"] = visible
    name = FAST if fast else chooser.choose(found, chooser.page_hints(tree, visible))
    text = found[name]
    if name not in extractors.TRAFILATURA.values():  # trafilatura's modes already keep what is inside
        text = chooser.fill_gaps(text, found[FAST])
    return Page(text, fields, name, notes)
