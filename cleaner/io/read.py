"""Bytes to text: refuse binary data, find the encoding, repair mojibake; and whether it is HTML.

Decoding order: a BOM (UTF-8, UTF-16, UTF-32) wins; then known binary signatures and NUL bytes
are refused (`NotText`); then strict UTF-8; then UTF-8 with stray Windows-1252 bytes (any valid
multi-byte UTF-8 in the text says it is UTF-8, unless the invalid bytes far outnumber it);
then charset-normalizer's candidates, Windows-1252 first; as a last resort Windows-1252 with
replacement characters, so undecodable bytes never crash. Finally ftfy repairs mojibake (UTF-8
that was once decoded as Windows-1252: "cafÃ©" becomes "café"); it only touches text that
looks like mojibake.

HTML bytes (`decode_html`) are read as a browser reads them: a BOM, then the charset the page
declares, honoured only when it is a label of the WHATWG encoding standard (``punycode`` or
``cp037`` are not), then the same steps as text.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

import re2
import regex
import webencodings

from ..decide.regex_syntax import pieces

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures ("magic numbers") of formats that turn up where text is expected.
_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "zip archive (or docx, xlsx, epub)"), (b"PK\x05\x06", "zip archive (empty)"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "ELF executable"),
    (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"), (b"fLaC", "FLAC audio"),
    (b"wOFF", "web font"), (b"wOF2", "web font"),
)
_RIFF = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}
_SNIFF = 8192  # bytes looked at to tell binary from text
# Control characters that plain text does not contain (tab, newlines, form feed, escape are allowed).
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_MAX_CONTROL = 0.1  # more than this share of control characters at the start: binary, not text
_ESCAPED = regex.compile(r"[\udc80-\udcff]+")  # bytes that were not UTF-8, as surrogateescape left them
_NON_ASCII = regex.compile(r"[^\x00-\x7f\udc80-\udcff]+")
_SURROGATES = regex.compile(r"[\ud800-\udfff]")
_EMPTY = regex.compile(r"[\s\p{Cf}]*")  # whitespace and invisible format characters (zero-width spaces, BOMs)
_HTML_START = regex.compile(r"^\s*(?:<!--(?:(?!-->).)*-->\s*)*+<(!doctype\s+html|html|head|body)\b", regex.I | regex.S)
# A fragment: it starts with a block element's tag and closes one (`<div><p>...</p>`).
_FRAGMENT_START = regex.compile(r"^\s*(?:<!--(?:(?!-->).)*-->\s*)*+<(div|p|article|section|main|header|table|ul|ol|h[1-6]|"
                                r"blockquote|figure|span|a|meta|link|title|style|script)\b[^<>]*>", regex.I | regex.S)
_CLOSING_TAG = regex.compile(r"</(div|p|article|section|main|header|table|ul|ol|li|h[1-6]|blockquote|figure|span|a|"
                             r"title|style|script)\s*>", regex.I)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SNIFF_BYTES = 4096  # bytes looked at for an HTML start and a charset declaration
STRAYS_PER_UTF8 = 4  # invalid bytes per valid multi-byte UTF-8 character above which text is legacy, not UTF-8
_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)""", regex.I)
_UNICODE_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # (UTF-32 LE starts like UTF-16 LE)


class NotText(ValueError):
    """The input is not text (binary data such as an image, a PDF or an archive)."""


def binary_kind(data: bytes) -> str | None:
    """What binary format `data` is ("PDF", "gzip-compressed data", ...), or None if it may be text."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            if signature == b"BZh" and not data[3:4].isdigit():
                continue  # "BZh" alone may start a line of text
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4/MOV media"
    if b"\x00" in data[:_SNIFF]:
        return "NUL bytes"
    return None


def decode(data: bytes) -> str:
    """Decode `data` to str (see the module docstring); raise `NotText` for binary data."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is not None:
        text = data.decode(encoding, errors="replace")
    else:
        kind = binary_kind(data)
        if kind is not None:
            raise NotText(f"binary data ({kind}), not text")
        text = _decode_unmarked(data)
    return _fix_mojibake(_checked(text))


def _fix_mojibake(text: str) -> str:
    """ftfy's encoding repair. ASCII text holds no mojibake (ftfy returns it unchanged), so it
    does not pay for importing ftfy: a small plain-text document starts faster. ftfy changes
    nothing unless its badness pattern matches, which Python's `re` searches at about 3 ms a page
    (15% of the text path): a linear-time RE2 search of a wider pattern says first when it cannot."""
    if text.isascii():
        return text
    import ftfy

    wider = _mojibake_prefilter()
    try:
        if wider is not None and wider.search(text) is None:
            return text
    except UnicodeError:  # (RE2 reads UTF-8: text it cannot encode goes to ftfy unfiltered)
        pass
    return ftfy.fix_encoding(text)


@cache
def _mojibake_prefilter() -> re2._Regexp | None:
    """ftfy's badness pattern (`ftfy.badness.BADNESS_RE`, which `fix_encoding` asks first) made wider
    for RE2: every `\\w` and `\\s` outside a class becomes any character, verbose whitespace and
    comments go. Whatever the original matches, this matches. None when the pattern holds anything
    else RE2 could read differently (a class with `\\w` or `\\s`, another escape): then ftfy runs
    on every non-ASCII text, as before."""
    from ftfy.badness import BADNESS_RE

    if BADNESS_RE.flags & ~(re.VERBOSE | re.UNICODE):
        return None
    out = []
    for piece, inside in pieces(BADNESS_RE.pattern, verbose=bool(BADNESS_RE.flags & re.VERBOSE)):
        if piece in ("\\w", "\\s") and not inside:
            out.append("(?s:.)")
        elif piece[0] == "\\" and piece != "\\x" and piece[1:].isalnum():
            return None
        else:  # a character, a class's bracket, an escaped literal or a byte by its code
            out.append(piece)
    options = re2.Options()
    options.max_mem = 32 << 20
    try:
        return re2.compile("".join(out), options)
    except re2.error:
        return None


def _decode_unmarked(data: bytes) -> str:
    """Text without a BOM: UTF-8, UTF-8 with stray Windows-1252 bytes, or a legacy encoding."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    stray = sum(map(len, _ESCAPED.findall(text)))
    valid = sum(map(len, _NON_ASCII.findall(text)))
    if valid and valid * STRAYS_PER_UTF8 >= stray:
        # Valid multi-byte UTF-8 is rare in legacy text by chance: UTF-8 with damage, e.g. files pasted together.
        return _ESCAPED.sub(lambda m: _unescape(m[0]).decode("cp1252", errors="replace"), text)
    return _decode_legacy(data)


def _unescape(escaped: str) -> bytes:
    return bytes(ord(c) - 0xDC00 for c in escaped)


def _decode_legacy(data: bytes) -> str:
    """An 8-bit legacy encoding. Windows-1252 wins whenever charset-normalizer finds it plausible:
    it is the usual legacy encoding of news text, and short texts give a detector too little
    evidence to tell it from its cousins (cp1250, cp1257, ...)."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    if any("cp1252" in m.could_be_from_charset for m in matches):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    best = matches.best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def _checked(text: str) -> str:
    """`text`, unless its start is mostly control characters (binary data that decoded)."""
    head = text[:_SNIFF]
    if head and len(_CONTROL.findall(head)) > _MAX_CONTROL * len(head):
        raise NotText("binary data (control characters), not text")
    return text


def looks_like_html(text: str, name: str = "") -> bool:
    """True for HTML: by file extension, or by content that starts like an HTML document or like
    a fragment of one (an element's tag first, and a closing tag among its first 4096 characters).

    >>> looks_like_html("<div class=post><p>Text.</p></div>"), looks_like_html("<3 to all of you.</p>")
    (True, False)
    """
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    head = text[:4096]
    return bool(_HTML_START.match(head)) or looks_like_fragment(head)


def looks_like_fragment(text: str) -> bool:
    """True for the start of an HTML fragment (a scraper's copy of a page's main part) that does not
    start like a whole document: an element's tag first, and a closing tag among its first 4096
    characters.

    >>> looks_like_fragment("<div><p>Text.</p></div>"), looks_like_fragment("<!doctype html><p>Text.</p>")
    (True, False)
    """
    head = text[:4096]
    return not _HTML_START.match(head) and bool(_FRAGMENT_START.match(head) and _CLOSING_TAG.search(head))


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate (a JSON ``\\ud800`` escape decodes to one; it is no
    character and cannot be encoded) replaced by U+FFFD."""
    if text.isascii() or not _SURROGATES.search(text):  # (no copy of a long text made to find out)
        return text
    return _SURROGATES.sub("\ufffd", text)


def is_empty(text: str) -> bool:
    """True for text with nothing to read: only whitespace and invisible format characters
    (zero-width spaces, joiners, BOMs)."""
    return _EMPTY.fullmatch(text) is not None


def is_html(data: str | bytes, name: str = "") -> bool:
    """`looks_like_html` for text or bytes; bytes are sniffed without decoding them all."""
    if isinstance(data, str):
        return looks_like_html(data, name)
    head = data[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return looks_like_html(head.decode("utf-16", errors="ignore"), name)
    return looks_like_html(head.removeprefix(codecs.BOM_UTF8).decode("latin-1"), name)


def declared_charset(data: bytes) -> str | None:
    """The Python codec for the page's ``<meta charset>`` or ``http-equiv`` content type, when it
    is a label a browser honours (WHATWG encoding standard), else None.

    As browsers do: latin-1 and ascii labels mean windows-1252; a UTF-16 label in a document that
    had no BOM (so is not UTF-16) means UTF-8, and x-user-defined means windows-1252; labels of the
    "replacement" encoding (iso-2022-kr, ...) and names only Python knows count as no declaration.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    'cp1252'
    >>> declared_charset(b'<meta charset="utf-16">'), declared_charset(b'<meta charset="klingon">')
    ('utf-8', None)
    >>> declared_charset(b'<meta charset="punycode">'), declared_charset(b'<meta charset=cp037>')
    (None, None)
    """
    m = _CHARSET.search(data[:SNIFF_BYTES])
    return charset_codec(m.group(1).decode("ascii", errors="replace")) if m else None


def charset_codec(label: str) -> str | None:
    """The Python codec for a charset `label` as a browser reads it (see `declared_charset`), or None.

    >>> charset_codec("ISO-8859-1"), charset_codec("utf8"), charset_codec("klingon")
    ('cp1252', 'utf-8', None)
    """
    encoding = webencodings.lookup(label.strip().strip("\"'"))
    if encoding is None or encoding.name == "replacement":
        return None
    if encoding.name in ("utf-16le", "utf-16be"):
        return "utf-8"
    if encoding.name == "x-user-defined":
        return "cp1252"
    return encoding.codec_info.name


def decode_html(data: bytes, charset: str | None = None) -> str:
    """HTML bytes to str: a BOM, then the charset of the HTTP Content-Type header (`charset`, a
    label, when known: a WARC record's), then the page's declared charset, then UTF-8, then
    `decode` (detection), the order browsers follow.

    A charset is ignored when the bytes do not decode with it, and when it names a legacy
    charset but the bytes are valid UTF-8 with non-ASCII characters (a page re-saved as UTF-8:
    legacy-encoded text is almost never valid UTF-8 by chance).

    >>> decode_html("<p>café</p>".encode("cp1252"), "iso-8859-1"), decode_html("<p>café</p>".encode(), "latin1")
    ('<p>café</p>', '<p>café</p>')
    """
    if data.startswith(_UNICODE_BOMS):
        return decode(data)
    charset = (charset_codec(charset) if charset else None) or declared_charset(data)
    if charset is not None and (charset == "utf-8" or not _is_utf8(data)):
        try:
            return data.decode(charset)
        except UnicodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode(data)


def _is_utf8(data: bytes) -> bool:
    """True for valid UTF-8 that is not plain ASCII."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
