"""The HTML front door: bytes to text, two extractors, and their agreement on the article's edges.

trafilatura (precision mode) extracts the article's text and metadata; a readability pass extracts
it a second, independent way. That second opinion is first the readability pass trafilatura runs
inside its own extraction anyway (captured, so it costs nothing); only when it disagrees with
trafilatura's text (confirms less than half of its words: it found nothing, or another part of the
page) does readability-lxml, which is slower but finds split articles, run on the whole page.
Lines at the start or end of trafilatura's text that the second opinion does
not also extract are dropped as ``html.unconfirmed`` (related-story lists, newsletter boxes, "about
the company" blurbs, repeated headlines); lines inside the article are kept even when readability
missed them (embedded posts, quotes). When trafilatura's text is a small part of readability's, it
was cut short and readability's text is used; when both find nothing, the page's visible text goes
through the plain-text path. The text then runs through the same pipeline as scraped text.

trafilatura and readability are imported only here, and only when an HTML page arrives, so
plain-text cleaning starts fast. No function here does any I/O.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .document import Document
from .language import WORD
from .render import FIELDS
from .pipeline import build
from .read import decode_html as decode

UNCONFIRMED = "html.unconfirmed"
FALLBACK_READABILITY = "html.fallback-readability"
FALLBACK_VISIBLE = "html.fallback-visible-text"
CONFIRM_GRAM = 3          # lines are compared by their word trigrams
CONFIRM_SHARE = 0.5       # a line is confirmed when this share of its trigrams is in readability's text
LEAD_PROSE_WORDS = 25     # an unconfirmed first line this long is the lede, not a headline or a kicker
TRUNCATED_SHARE = 0.5     # trafilatura's text shorter than this share of readability's was cut short...
TRUNCATED_CONFIRMED = 0.7  # ...when at least this share of its words is confirmed by readability
AGREED_SHARE = 0.5        # trafilatura's own readability pass is trusted when it confirms this share of the words

_INVISIBLE_BLOCK = regex.compile(r"<(script|style|noscript|template|head)\b.*?</\1\s*>", regex.I | regex.S)
_TAG = regex.compile(r"<[^>]*>")
_XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses str input that declares an encoding
_BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
                    "h5 h6 header li ol p pre section table td th tr ul".split())


@dataclass
class Page:
    """What the extractors found: the text to clean, metadata, readability's text to confirm
    trafilatura's edges against (None when there is nothing to confirm), and notes for warnings."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    confirm: str | None = None
    warnings: list[str] = field(default_factory=list)
    extracted: bool = True  # False: the page's visible text, which needs the full plain-text profile


def build_page(data: str | bytes, source: str = "<html>") -> tuple[Document, str]:
    """The front door for HTML: decode, extract, build the document with the page's metadata and
    the unconfirmed edges dropped; returns it with the pipeline profile its text needs."""
    page = extract(decode(data) if isinstance(data, bytes) else data)
    doc = build(page.text, source)
    doc.metadata.update(page.metadata)
    doc.warnings.extend(page.warnings)
    if page.confirm:
        confirm_edges(doc, page.confirm)
    return doc, "html" if page.extracted else "text"


def extract(html: str) -> Page:
    """The page's article text and metadata, falling back step by step so a page never comes out empty."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        # huge_tree: libxml2 otherwise drops everything nested deeper than 256 elements
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1),
                                             parser=lxml.html.HTMLParser(huge_tree=True))
    except (ParserError, ValueError):
        return Page(html, extracted=False, warnings=[f"{FALLBACK_VISIBLE}: the page could not be parsed as HTML"])
    text, metadata, inner = _trafilatura(tree)
    other = inner if inner and _confirmed_share(text, inner) >= AGREED_SHARE else _readability(tree)
    if not text and other:
        return Page(other, metadata, warnings=[f"{FALLBACK_READABILITY}: trafilatura found no article text"])
    if other and _truncated(text, other):
        return Page(other, metadata, warnings=[f"{FALLBACK_READABILITY}: trafilatura's text was a small "
                                               "part of readability's; readability's text is used"])
    if text:
        return Page(text, metadata, confirm=other or None)
    return Page(_visible_text(tree) or _stripped_text(html), metadata, extracted=False,
                warnings=[f"{FALLBACK_VISIBLE}: neither extractor found an article; the page's visible text is cleaned"])


_inner = threading.local()  # the result of trafilatura's readability pass, per thread


def _capture_inner_readability() -> None:
    """Wrap trafilatura's readability pass (``trafilatura.external.try_readability``, which its
    extraction calls to compare its own result with) so a copy of its result is kept for
    `_trafilatura` (a copy: trafilatura rewrites the element in place when it adopts it). The
    wrapper returns what it wraps, unchanged. If a trafilatura version no longer has or calls it,
    nothing is captured and readability-lxml runs instead: slower, never wrong."""
    import copy

    try:
        import trafilatura.external as external
    except ImportError:  # pragma: no cover - another trafilatura layout
        return
    wrapped = getattr(external, "try_readability", None)
    if wrapped is None or getattr(wrapped, "captures", False):
        return

    def try_readability(*args: object, **kwargs: object) -> object:
        result = wrapped(*args, **kwargs)
        _inner.element = copy.deepcopy(result)
        return result

    try_readability.captures = True  # type: ignore[attr-defined]
    external.try_readability = try_readability


def _trafilatura(tree) -> tuple[str, dict[str, str], str]:
    """trafilatura's text (precision mode, then recall mode), its metadata fields, and the text
    its own readability pass found during the precision extraction (empty when none ran)."""
    from trafilatura import bare_extraction, extract_metadata

    _capture_inner_readability()
    options = {"include_comments": False, "include_tables": True, "deduplicate": False}
    _inner.element = None
    doc = bare_extraction(tree, favor_precision=True, with_metadata=True, **options)
    inner = _inner.element
    text = (doc.text or "") if doc is not None else ""
    if not text.strip():
        recall = bare_extraction(tree, favor_recall=True, **options)
        text = (recall.text or "") if recall is not None else ""
    if doc is None:
        doc = extract_metadata(tree)
    metadata = {name: str(getattr(doc, name)) for name in FIELDS if getattr(doc, name, None)}
    return _paragraphs(text), metadata, _block_text(inner) if inner is not None and len(inner) else ""


def _paragraphs(text: str) -> str:
    """One paragraph per line, as the extractors give them, separated by blank lines for the pipeline
    (so a short line is never read as a soft wrap of the one before)."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _readability(tree) -> str:
    """readability-lxml's article text, one line per block; empty when it finds nothing."""
    import copy

    import lxml.html
    from lxml.etree import LxmlError
    from readability import Document as Readability
    from readability.readability import Unparseable

    try:
        summary = Readability(copy.deepcopy(tree)).summary(html_partial=True)
        return _block_text(lxml.html.document_fromstring(summary))
    except (Unparseable, LxmlError, ValueError):
        return ""


def _block_text(root) -> str:
    """The text of an lxml tree with one line per block element."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return _paragraphs(root.text_content())


def _visible_text(tree) -> str:
    """Every visible text block of the page, one line per block (the last fallback)."""
    for el in tree.xpath("//script|//style|//noscript|//template|//head"):
        el.drop_tree()
    return _block_text(tree)


def _stripped_text(html: str) -> str:
    """The page's text with its tags removed, for a page libxml2 cannot hold (nested deeper than
    its limit of 2048 elements, where the parsed tree comes back empty)."""
    import html as entities

    text = _TAG.sub("\n", _INVISIBLE_BLOCK.sub("\n", html))
    return _paragraphs(entities.unescape(text))


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    """A line's word trigrams (a shorter line is one gram of all its words)."""
    n = CONFIRM_GRAM
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=4)
def _all_grams(text: str) -> frozenset[tuple[str, ...]]:
    """Every word n-gram of `text` up to the trigram length, so short lines can be found too
    (cached: the agreement test, the truncation test and the edge check read the same text)."""
    words = _words(text)
    return frozenset(tuple(words[i:i + k]) for k in range(1, CONFIRM_GRAM + 1) for i in range(len(words) - k + 1))


def _confirmed(line: str, grams: frozenset[tuple[str, ...]]) -> bool | None:
    """Whether readability's text (as `grams`) holds `line`; None for a line without words."""
    own = _grams(_words(line))
    if not own:
        return None
    return sum(g in grams for g in own) >= CONFIRM_SHARE * len(own)


def _confirmed_share(text: str, other: str) -> float:
    """The share of the words of `text` on lines that `other` confirms (0 when `text` has no words)."""
    grams = _all_grams(other)
    lines = [(len(_words(ln)), _confirmed(ln, grams)) for ln in text.splitlines()]
    total = sum(n for n, _ in lines)
    return sum(n for n, ok in lines if ok) / total if total else 0.0


def _truncated(text: str, other: str) -> bool:
    """trafilatura's `text` is a small part of readability's `other`, and readability holds most of it."""
    words, other_words = _words(text), _words(other)
    if len(words) >= TRUNCATED_SHARE * len(other_words):
        return False
    return _confirmed_share(text, other) >= TRUNCATED_CONFIRMED


def confirm_edges(doc: Document, other: str) -> None:
    """Drop kept lines before the first and after the last line that readability's text `other`
    confirms, except a long first paragraph (a lede readability left out) and the page's title
    (left to the title stage, which lifts it into its field)."""
    grams = _all_grams(other)
    title = doc.metadata.get("title")
    checks = [_confirmed(ln.text, grams) if ln.kept and ln.text != title else None for ln in doc.lines]
    hits = [i for i, c in enumerate(checks) if c]
    if not hits:
        return
    first, last = hits[0], hits[-1]
    for i, line in enumerate(doc.lines):
        if checks[i] is not False:
            continue
        if i > last or (i < first and len(_words(line.text)) < LEAD_PROSE_WORDS):
            line.drop(UNCONFIRMED)
