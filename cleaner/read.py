"""Bytes to text: BOM, UTF-8, then detection; and whether the input is HTML.

Decoding order: a BOM (UTF-8, UTF-16, UTF-32) wins; then strict UTF-8; then charset-normalizer's
best guess; as a last resort UTF-8 with replacement characters, so undecodable bytes never crash.
"""

from __future__ import annotations

import codecs

import regex

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_START = regex.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", regex.I | regex.S)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class NotText(ValueError):
    """The input is not text (binary data such as an image, a PDF or an archive)."""


def decode(data: bytes) -> str:
    """Decode `data` to str: BOM, then UTF-8, then detection, then UTF-8 with replacements."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise NotText("binary data (NUL bytes), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")


def looks_like_html(text: str, name: str = "") -> bool:
    """True for HTML: by file extension, or by content that starts like an HTML document."""
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    return bool(_HTML_START.match(text[:4096]))
