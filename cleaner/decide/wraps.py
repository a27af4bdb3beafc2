"""Repair of broken line wraps: chunk cuts, hyphenated breaks and soft-wrapped prose.

Physical lines are grouped into logical lines (paragraph candidates). A blank line always ends
one. Between two adjacent non-blank lines the break is judged, in this order:

``wrap.chunk-exact``  a scraper that cut its buffer every W bytes inserted the newline; once W
                      is found from the break positions, deleting the newline restores the text
                      exactly (a cut inside a word glues, beside a space keeps it).
``wrap.chunk-space``  a break with one space on either side: a cut next to a space (lines
                      indented by a layout renderer such as inscriptis are not cuts).
``wrap.hyphen``       ``inter-`` / ``national``: the hyphen goes when word evidence says so.
``wrap.chunk-word``   the next line starts in lower case mid-sentence: glue the pieces when the
                      glued word is more likely than the two pieces side by side (wordfreq),
                      otherwise join with a space if the line is long enough to be prose.
``wrap.chunk-cjk``    a break between two Chinese or Japanese characters mid-sentence: no space
                      (none beside the break either: indented lines are not cuts).
``wrap.soft``         the document is soft-wrapped at a width W and this line would not have
                      ended here if the next word had fitted.
Anything else stays a separate line: a line that really ends a paragraph stays a paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

import regex

from ..document import Join, Line
from .language import CJK_CLASS
from .normalize import normalize_line

_TERMINAL = regex.compile(r"[.!?…:;。！？」』”\"')\]]\s*$")
_LAST_WORD = regex.compile(r"(\w+)$")
_FIRST_WORD = regex.compile(r"^(\w+)")
_HYPHEN_END = regex.compile(r"(\p{L}+)-$")
_LOWER_START = regex.compile(r"^\p{Ll}")
_CJK_END = regex.compile(CJK_CLASS + "$")
_CJK_START = regex.compile("^" + CJK_CLASS)
MIN_CONTINUED_CHARS = 40  # a shorter line followed by a lower-case one is a list, not a cut sentence
_CHUNK_WIDTHS = (1024, 2048, 4096, 8192, 512, 1000, 2000, 4000)

WordFreq = Callable[[str], float]


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages())


@lru_cache(maxsize=64)
def word_frequency(lang: str) -> WordFreq:
    """Zipf frequency function for `lang` from wordfreq (English when wordfreq lacks the language).

    wordfreq and its word lists load on the first call, so documents that never need word
    evidence do not pay for them. The "small" lists (words of frequency 1e-6 and more) load in
    10-25 ms a language against 0.1-0.4 s for "best", and a glued word rarer than that is no
    evidence for gluing: on the 2,368 chunked dev pages they change the repair of 10 pages, all
    but one for the better ("<li" + "key", "str" + "age" no longer glued)."""

    @lru_cache(maxsize=65536)
    def zipf(word: str) -> float:
        import wordfreq

        try:
            return wordfreq.zipf_frequency(word, lang if lang in _wordfreq_languages() else "en", wordlist="small")
        except ImportError:  # the language needs an optional tokenizer (jieba, MeCab): no evidence
            return 0.0

    return zipf


def should_glue(left: str, right: str, zipf: WordFreq) -> bool:
    """True when ``left+right`` is more likely one word than the two words side by side.

    Zipf values are log10 of frequency per 10**9 words, so independence of the two pieces gives
    ``zipf(a) + zipf(b) - 9`` for the pair; an unknown glued word never wins.

    >>> z = word_frequency("en")
    >>> should_glue("o", "f", z), should_glue("share", "d", z), should_glue("brown", "fox", z)
    (True, True, False)
    """
    glued = zipf((left + right).lower())
    if glued <= 0:
        return False
    return glued >= zipf(left.lower()) + zipf(right.lower()) - 9.0


def find_chunk_cuts(text: str) -> set[int]:
    """Indices of physical lines that start after a newline inserted by a fixed-width chunker.

    The chunker copies W units (UTF-8 bytes, backing off so as not to split a character, or
    characters), then a newline, and so on. A width is accepted when every expected cut holds a
    newline and there are at least two cuts (one cut is enough only for the most common width,
    1024, and only when the text before it does not end a sentence).
    """
    if "\n" not in text:
        return set()
    data = text.encode("utf-8")
    newlines = [m.start() for m in re.finditer(b"\n", data)]
    for width in _candidate_widths(newlines):
        offsets = _expected_cuts(data, width)
        if not offsets or not all(data[o] == 10 for o in offsets):
            continue
        single_ok = width == 1024 and not _TERMINAL.search(data[max(0, offsets[0] - 8):offsets[0]].decode("utf-8", "ignore"))
        if len(offsets) >= 2 or single_ok:
            return {bisect.bisect_right(newlines, o) for o in offsets}
    return set()


def _expected_cuts(data: bytes, width: int) -> list[int]:
    """Offsets of the newlines a chunker of `width` bytes would have inserted, stopping at a miss."""
    offsets: list[int] = []
    pos = 0
    while pos + width < len(data):
        cut = pos + width
        # The newline sits at `cut`, so the byte that follows the chunk is data[cut + 1]:
        # the chunker backs off while that byte would continue a UTF-8 sequence.
        while cut > pos and cut + 1 < len(data) and 0x80 <= data[cut + 1] < 0xC0:
            cut -= 1
        offsets.append(cut)
        if data[cut] != 10:
            break
        pos = cut + 1
    return offsets


def _candidate_widths(newlines: list[int]) -> list[int]:
    """Common chunk widths, plus the first few single line breaks (a cut never doubles a newline)."""
    widths = list(_CHUNK_WIDTHS)
    singles = [b for a, b, c in zip([-2] + newlines, newlines, newlines[1:] + [1 << 62]) if b - a > 1 and c - b > 1]
    widths.extend(p for p in singles[:3] if p >= 64 and p not in widths)
    return widths


def soft_wrap_width(lines: list[str]) -> int | None:
    """The width W the text is soft-wrapped at, or None when it is not soft-wrapped.

    A soft-wrapped text has many lines followed by another non-blank line, most of them filled
    close to one maximum width.
    """
    followed = [len(a) for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(followed) < 5 or len(followed) < 0.3 * sum(1 for ln in lines if ln.strip()):
        return None
    widths = Counter(min(n, 200) for n in followed)
    width = max(widths)
    if not 30 <= width <= 160:
        return None
    filled = sum(c for n, c in widths.items() if n >= 0.7 * width)
    return width if filled >= 0.6 * len(followed) else None


def _cut_beside_space(a: str, b: str) -> bool:
    """A cut next to one space: `a` ends with a space and `b` starts with a word, or the other way
    round. Indented lines (a layout renderer's, inscriptis indents nearly every line by 2 or more
    spaces) are not cuts."""
    return (a.endswith(" ") and not a.endswith("  ") and not b[:1].isspace()) or (
        b.startswith(" ") and not b.startswith("  ") and not a[-1:].isspace())


def join_decision(a: str, b: str, zipf: WordFreq, width: int | None) -> tuple[str, str] | None:
    """How to join raw line `a` with the following raw line `b`: (rule id, glue) or None.

    The glue goes between `a` stripped on the right and `b` stripped on the left;
    ``wrap.hyphen-drop`` also removes the hyphen that ends `a`.
    """
    a_strip, b_strip = a.rstrip(), b.lstrip()
    if not a_strip or not b_strip:
        return None
    ends_sentence = bool(_TERMINAL.search(a_strip))
    lower_next = bool(_LOWER_START.match(b_strip))
    if _cut_beside_space(a, b) and (lower_next or not ends_sentence):
        return "wrap.chunk-space", " "
    if a == a_strip and b == b_strip and _CJK_END.search(a) and _CJK_START.match(b) and not ends_sentence:
        return "wrap.chunk-cjk", ""  # (an indented line is a layout renderer's block, not a cut)
    hyphen = _HYPHEN_END.search(a_strip)
    if hyphen and lower_next:
        first = _FIRST_WORD.match(b_strip)
        if first and should_glue(hyphen.group(1), first.group(1), zipf):
            return "wrap.hyphen-drop", ""
        return "wrap.hyphen-keep", ""
    if lower_next and not ends_sentence:
        last, first = _LAST_WORD.search(a_strip), _FIRST_WORD.match(b_strip)
        if last and first and should_glue(last.group(1), first.group(1), zipf):
            return "wrap.chunk-word", ""
        if len(a_strip) >= MIN_CONTINUED_CHARS:
            return "wrap.chunk-word", " "
    if width and not ends_sentence:
        first_word = b_strip.split(" ", 1)[0]
        if len(a_strip) + 1 + len(first_word) > width:
            return "wrap.soft", " "
    return None


def repair(text: str, lang: str = "en") -> list[Line]:
    """Group the physical lines of `text` (newlines already unified) into repaired logical lines."""
    raw = text.split("\n")
    cuts = find_chunk_cuts(text)
    width = None if cuts else soft_wrap_width(raw)
    zipf = word_frequency(lang)
    out: list[Line] = []
    pieces: list[str] = []
    joins: list[Join] = []
    start, blank = 0, True

    def flush(end: int) -> None:
        if pieces:
            line = normalize_line("".join(pieces))
            if line:
                out.append(Line(line, start, end, blank_before, list(joins)))
            pieces.clear()
            joins.clear()

    blank_before = True
    for i, cur in enumerate(raw):
        if not cur.strip():
            flush(i)
            blank = True
            continue
        if pieces:
            if i in cuts:
                pieces.append(cur)
                joins.append(Join(i, "wrap.chunk-exact", ""))
                continue
            how = join_decision(pieces[-1], cur, zipf, width)
            if how:
                by, glue = how
                pieces[-1] = pieces[-1].rstrip()
                if by == "wrap.hyphen-drop":
                    pieces[-1] = pieces[-1][:-1]
                pieces.append(glue + cur.lstrip())
                joins.append(Join(i, by, glue))
                continue
            flush(i)
        start, blank_before, blank = i, blank, False
        pieces.append(cur)
    flush(len(raw))
    return out
