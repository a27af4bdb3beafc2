"""Unicode and whitespace normalization, kept apart from any decision about content.

`split_physical_lines` unifies line endings (CRLF, CR, U+2028/U+2029, form feed) and splits;
`normalize_line` makes one line canonical (NFC, one kind of space, no control characters).
Leading and trailing spaces survive `split_physical_lines`: wrap repair reads them as evidence.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

_NEWLINES = regex.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_SPACES = regex.compile(r"[\t\p{Zs}]+")
# Control and format characters other than tab/newline (zero-width spaces, BOMs, bidi marks
# inside words), but keep ZWJ/ZWNJ, which are meaningful in Persian, Indic scripts and emoji.
_INVISIBLE = regex.compile(r"[\p{Cc}\p{Cf}--[\t\n\u200c\u200d]]+", flags=regex.V1)


def unify_newlines(text: str) -> str:
    """`text` with every kind of line ending made a ``\\n``."""
    return _NEWLINES.sub("\n", text)


def split_physical_lines(text: str) -> list[str]:
    """Split `text` into physical lines with every kind of line ending treated alike."""
    return unify_newlines(text).split("\n")


def normalize_line(line: str) -> str:
    """NFC, invisible characters removed, every run of spaces made one ASCII space, stripped."""
    if line.isascii() and line.isprintable():  # the common case: its only spaces are ASCII spaces
        return " ".join(line.split())
    line = _INVISIBLE.sub("", line)
    if not line.isascii():
        line = unicodedata.normalize("NFC", line)
    return _SPACES.sub(" ", line).strip()


_NON_WORD = regex.compile(r"\W+")


@lru_cache(maxsize=1 << 14)
def comparison_key(text: str) -> str:
    """`text` case-folded with punctuation and spacing erased, for finding repeated lines
    (cached: each cleaning round compares the same lines again)."""
    return _NON_WORD.sub(" ", text.casefold()).strip()
