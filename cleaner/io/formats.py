"""What an input is: plain text, Markdown or HTML, as the caller says or as found out.

Found out by the name's suffix first (``.md``: Markdown, ``.html``: HTML), then by content: a
start like an HTML document is HTML; a start like an HTML fragment (`read.looks_like_fragment`) is
HTML too, unless the text spells Markdown's own constructs (a README that opens with an HTML
block); text that spells Markdown's own constructs is Markdown (`markdown.looks_like_markdown`),
anything else plain text.
"""

from __future__ import annotations

import codecs

from .markdown import SNIFF_CHARS, SUFFIXES, looks_like_markdown
from .read import HTML_SUFFIXES, is_html, looks_like_fragment

INPUT_FORMATS = ("text", "markdown", "html")


def said(input_format: str | None, html: bool | None = None) -> str | None:
    """The format the caller gave: `input_format`, else the deprecated `html` flag (True: "html",
    False: "text"); None when neither says.

    >>> said("markdown"), said(None, True), said(None, False), said(None)
    ('markdown', 'html', 'text', None)
    """
    if input_format is not None:
        if input_format not in INPUT_FORMATS:
            raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)} or None, not {input_format!r}")
        return input_format
    return None if html is None else "html" if html else "text"


def detect(data: str | bytes, name: str = "") -> str:
    """"text", "markdown" or "html" for `data` named `name` (see the module docstring).

    >>> detect("plain words", "notes.md"), detect(b"<!doctype html><p>x</p>"), detect("plain words")
    ('markdown', 'html', 'text')
    >>> readme = ('<p align="center"><img src="logo.png"></p>\\n\\n# Tool\\n\\n'
    ...           'See [the docs](https://x.org).\\n\\n## Use\\n\\n- **fast**')
    >>> detect("<div><p>A fragment.</p></div>"), detect(readme)
    ('html', 'markdown')
    """
    if name.lower().endswith(SUFFIXES):
        return "markdown"
    head = _head(data[:4 * SNIFF_CHARS]) if isinstance(data, bytes) else data
    if is_html(data, name):
        if not name.lower().endswith(HTML_SUFFIXES) and looks_like_fragment(head) and looks_like_markdown(head):
            return "markdown"
        return "html"
    return "markdown" if looks_like_markdown(head) else "text"


def _head(data: bytes) -> str:
    """The start of a document's bytes as text to sniff: UTF-32 or UTF-16 by their BOM (`read.decode`
    reads them so), else UTF-8 (a broken character at the cut, or a legacy byte, is replaced)."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
