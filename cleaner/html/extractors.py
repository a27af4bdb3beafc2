"""The candidate extractions of one page: trafilatura in its modes, readability-lxml, resiliparse.

`parse` builds the tree trafilatura reads, once per page, with trafilatura's own parser settings
(comments removed: on a tree that keeps them, trafilatura drops the text after a comment inside a
link, as React pages write them) plus ``huge_tree`` (libxml2 otherwise stops at 256 levels of
nesting; with it, at 2048, and `parse` says when a page went past that). Each extractor returns the
text it found, one block per line, lines without a word left out (empty when it found nothing).
The extractors are imported only when called, so plain-text cleaning never loads them.
"""

from __future__ import annotations

import copy
import threading

import regex

from ..render import FIELDS

MAX_DEPTH = 2048  # libxml2's nesting limit with huge_tree
TRAFILATURA = {"balanced": "trafilatura", "precision": "trafilatura-precision", "recall": "trafilatura-recall"}
INNER = {"balanced": "trafilatura-readability", "precision": "trafilatura-readability-precision"}
CANDIDATES = (*TRAFILATURA.values(), *INNER.values(), "readability", "resiliparse")

_BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
                    "h5 h6 header li ol p pre section table td th tr ul".split())
_WORDY = regex.compile(r"\w")
_XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses str input that declares an encoding
_local = threading.local()  # per thread: the parser, and the captured readability pass of trafilatura


def _parser():
    """This thread's HTML parser (lxml parsers must not be shared between threads)."""
    if getattr(_local, "parser", None) is None:
        from lxml.html import HTMLParser

        _local.parser = HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True,
                                   remove_pis=True, huge_tree=True)
    return _local.parser


def parse(html: str):
    """The page's tree (None when it cannot be parsed), and whether its nesting went past `MAX_DEPTH`
    (the parser then dropped what was deeper)."""
    import lxml.html
    from lxml.etree import ParserError

    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (ParserError, ValueError):
        return None, False
    return tree, any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def paragraphs(text: str) -> str:
    """One block per line, stripped; lines without a word (list bullets, rules of dashes) left out."""
    return "\n".join(line.strip() for line in text.splitlines() if _WORDY.search(line))


def block_text(root) -> str:
    """The text of an lxml tree with one line per block element (the tree is changed)."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return paragraphs(root.text_content())


def _capture_inner_readability() -> None:
    """Wrap trafilatura's readability pass (``trafilatura.external.try_readability``, which its
    balanced and precision modes run to compare their own result with) so a copy of its result is
    kept for `trafilatura`. The wrapper returns what it wraps, unchanged. If a trafilatura version
    no longer has or calls it, nothing is captured and that candidate is empty."""
    try:
        import trafilatura.external as external
    except ImportError:  # pragma: no cover - another trafilatura layout
        return
    wrapped = getattr(external, "try_readability", None)
    if wrapped is None or getattr(wrapped, "captures", False):
        return

    def try_readability(*args: object, **kwargs: object) -> object:
        result = wrapped(*args, **kwargs)
        _local.inner = copy.deepcopy(result)
        return result

    try_readability.captures = True  # type: ignore[attr-defined]
    external.try_readability = try_readability


def trafilatura(tree, focus: str = "balanced") -> tuple[str, str]:
    """trafilatura's text in `focus` mode ("balanced", "precision" or "recall"; comments left out),
    and the text of the readability pass it ran inside (empty when none ran). `tree` is not changed."""
    from trafilatura import bare_extraction

    _capture_inner_readability()
    _local.inner = None
    doc = bare_extraction(tree, favor_precision=focus == "precision", favor_recall=focus == "recall",
                          include_comments=False, include_tables=True, deduplicate=False)
    inner, _local.inner = _local.inner, None
    text = paragraphs(doc.text or "") if doc is not None else ""
    return text, block_text(inner) if inner is not None and len(inner) else ""


def title(tree) -> str:
    """The page's title as trafilatura's metadata finds it (meta tags, JSON-LD, then the headings),
    without the costly rest of its metadata (dates above all); a lone ``<h1>`` that is the site's
    logo or name (a link home, or named so) is passed over for the ``<title>`` element's first part."""
    from trafilatura.metadata import examine_meta, examine_title_element, extract_meta_json, extract_title

    found = examine_meta(tree)
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001  (trafilatura guards the same call the same way)
        pass
    if found.title:
        return found.title.strip()
    headings = tree.findall(".//h1")
    if len(headings) == 1 and _names_the_site(headings[0]):
        whole, first, _ = examine_title_element(tree)
        return (first or whole).strip()
    return (extract_title(tree) or "").strip()


_SITE_NAME = regex.compile(r"logo|brand|site[-_]?(title|name)|masthead", regex.I)
_HOME = regex.compile(r"^(/|\.|(https?:)?//[^/]+/?)$")


def _names_the_site(heading) -> bool:
    """A heading that is the site's name or logo: named so, or a link to the home page (or in one)."""
    named = " ".join(filter(None, (heading.get("id"), heading.get("class"))))
    links = [*heading.iter("a"), *(a for a in heading.iterancestors("a"))]
    return bool(_SITE_NAME.search(named)) or any(_HOME.match((a.get("href") or "").strip()) for a in links)


def metadata(tree) -> dict[str, str]:
    """The page's metadata fields (title, author, date, ...) as trafilatura extracts them."""
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree)
    return {name: str(getattr(found, name)) for name in FIELDS if getattr(found, name, None)}


def readability(html: str) -> str:
    """readability-lxml's article text; empty when it finds nothing."""
    import lxml.html
    from lxml.etree import LxmlError
    from readability import Document as Readability
    from readability.readability import Unparseable

    try:
        summary = Readability(html).summary(html_partial=True)
        return block_text(lxml.html.document_fromstring(summary))
    except (Unparseable, LxmlError, ValueError):
        return ""


def resiliparse(html: str, main_content: bool = True) -> str:
    """resiliparse's main content (or, with `main_content=False`, every visible block)."""
    from resiliparse.extract.html2text import extract_plain_text

    return paragraphs(extract_plain_text(html, main_content=main_content, alt_texts=False,
                                         list_bullets=False, comments=False))


def candidates(html: str, tree, names: tuple[str, ...] = CANDIDATES) -> dict[str, str]:
    """The named candidate extractions (`CANDIDATES`) of a page, `tree` being `html` parsed."""
    out: dict[str, str] = {}
    for focus, name in TRAFILATURA.items():
        if name in names:
            out[name], inner = trafilatura(tree, focus)
            if focus in INNER:
                out[INNER[focus]] = inner
    if "readability" in names:
        out["readability"] = readability(html)
    if "resiliparse" in names:
        out["resiliparse"] = resiliparse(html)
    return {name: out[name] for name in names if name in out}
