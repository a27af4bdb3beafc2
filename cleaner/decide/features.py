"""Per-line features the heuristics read: length, stopword density, punctuation, shape.

Word counts treat scripts written without spaces (Chinese, Japanese) by characters: two CJK
characters count as one word, which puts their lines on the same scale as spaced languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..document import Line
from .language import CJK_CLASS, WORD, is_cjk, stoplist

_CJK_CHAR = regex.compile(CJK_CLASS)
_TERMINAL = regex.compile(r"""[.!?…。！？][\s"'”’»」』)\]]*$""")
# an e-mail address is a word holding "x@y" with ".z" later in it, each word scanned once (\S+@\S+\.\w+
# retried from every character: quadratic in a long word such as a base64 blob)
_LINKY = regex.compile(r"https?://|www\.|(?<!\S)\S(?>[^\s@]*)@\S(?:[^\s.]|\.(?!\w))*+\.\w|\s[|»›]\s|^[|»›]|\s[|»›]$")
# every branch of _LINKY holds one of these: a line without any is not searched (most lines)
_LINKY_MARKS = ("@", "|", "»", "›", "http", "www.")
_INLINE_BULLET = regex.compile(r"\s[*+•·▪|o]\s(?=\p{Lu}|\d)")
# list bullets, including the '+' and 'o' of nested lists in text dumps (inscriptis, lynx)
_LIST_ITEM = regex.compile(r"^\s*([-–•*·▪►+]|o(?=\s+[\p{Lu}\d])|\d{1,2}[.)])\s+")
# an interview's turn: "Q: Favorite books?", "A: A Fistful of Rice" (P:/R: in Spanish, F:/A: in German);
# words, not digits, follow the label ("P: 555-123-4567" and "A: 12 Main Street" are a contact block)
_INTERVIEW_TURN = regex.compile(r"^(Q|A|P|R|F)\s*:\s+\p{L}")

# A place line in capitals opening a paragraph: "LONDON (AP) — ", "COLUMBIA, S.C. (AP) — ",
# "NEW YORK (Reuters) - ", "CLEVELAND, Ohio – ", "BERLIN -- ": the first paragraph of a story. A plain
# hyphen needs the agency ("US - China talks stall" is a headline); kicker words are not places.
_PLACE_LINE = regex.compile(
    r"^(?!(WATCH|LISTEN|VIDEO|PHOTOS?|GALLERY|SPONSORED|ADVERTISEMENT|PROMOTED|EXCLUSIVE|BREAKING|UPDATED?|"
    r"OPINION|ANALYSIS|EDITORIAL|COMMENTARY|REVIEW|LIVE|READ|MORE|RELATED|SEE|ALSO|HOME|NEWS|SPORTS?|"
    r"WEATHER|PODCAST|ICYMI|OBITUARY|FIRST)\b)"
    r"\p{Lu}[\p{Lu}\p{M}.'’-]+( [\p{Lu}\p{M}.'’-]+){0,3}"      # the place, in capitals
    r"(,( \p{Lu}[\p{L}.'’-]*){1,3})?"                          # its state or country
    r"(\s*\([\p{L}\p{N} .&/-]{1,30}\)\s+[—–-]{1,2}|\s+(—|–|--))"  # the agency, the dash
    r"\s+[\p{Lu}\p{N}\"“‘']")
# An editor's note or a correction the newsroom appended: "Editor's note: This story was updated ...",
# "Correction, Nov. 15, 2019: This article originally misidentified ..."
_EDITORS_NOTE = regex.compile(r"^\W*(editor['’]?s['’]? note|correction|clarification)\b[^:]{0,40}:\s*\S", regex.I)
STORY_MIN_WORDS = 8

MIN_PROSE_WORDS = 10
MIN_STOP_DENSITY = 0.18
MAX_PROSE_NUMERIC = 0.3  # a line of mostly numbers is a table or an archive list, not prose
# fewer words than this per inline bullet: a flattened menu or list of headlines ("* WIRED25: Stories of
# people who are racing to save us * The plan to boost drone batteries ... * ...")
MENU_WORDS_PER_BULLET = 12


@dataclass(slots=True, frozen=True)
class Features:
    words: int
    stop: float  # share of words that are stopwords of the page's language (1.0 when no stoplist)
    terminal: bool  # ends like a sentence
    linky: bool  # URL, e-mail, or menu separators
    list_item: bool
    cjk: bool
    numeric: float  # share of tokens that are numbers
    bullets: int  # list bullets inside the line (a flattened menu: "Home * News + Sport o Weather")
    turn: bool = False  # a question or answer of an interview ("Q: ...", "A: ...")

    @property
    def prose(self) -> bool:
        """Reads like a paragraph of article text."""
        if (self.linky and self.words < 40) or self.numeric > MAX_PROSE_NUMERIC:
            return False
        if self.bullets >= 3 and self.bullets * MENU_WORDS_PER_BULLET > self.words:
            return False
        if self.words >= 30 and self.stop >= MIN_STOP_DENSITY:
            return True
        return self.words >= MIN_PROSE_WORDS and self.terminal and self.stop >= MIN_STOP_DENSITY


def word_counts_reference(text: str, stops: frozenset[str]) -> tuple[int, int, int]:
    """(tokens, tokens in `stops` once lower-cased, tokens of digits) of the `WORD` tokens of `text`
    (the reference of the compiled `_figures.word_counts`)."""
    tokens = WORD.findall(text)
    return len(tokens), sum(1 for t in tokens if t.lower() in stops), sum(1 for t in tokens if t.isdigit())


try:  # one pass over the characters (`_figures.pyx`, built on install); the reference when it was not built
    from ._figures import word_counts
except ImportError:  # pragma: no cover - an install without a C compiler
    word_counts = word_counts_reference


@lru_cache(maxsize=1 << 16)
def line_features(text: str, language: str | None) -> Features:
    """Features of one line of text in `language` (a jusText stoplist name); cached, since the same
    lines come back in several stages and menus repeat across the pages of a site."""
    cjk_chars = len(_CJK_CHAR.findall(text)) if is_cjk(language) else 0
    if cjk_chars:
        tokens = WORD.findall(text)
        words = cjk_chars // 2 + sum(1 for t in tokens if not _CJK_CHAR.search(t))
        n_tokens, digits, stop = len(tokens), sum(1 for t in tokens if t.isdigit()), 1.0
    else:
        stops = stoplist(language)
        n_tokens, hits, digits = word_counts(text, stops)
        words = n_tokens
        stop = (hits / words if words else 0.0) if stops else 1.0
    numeric = digits / n_tokens if n_tokens else 0.0
    return Features(words, stop, bool(_TERMINAL.search(text)), _linky(text),
                    bool(_LIST_ITEM.match(text)), bool(cjk_chars), numeric, len(_INLINE_BULLET.findall(text)),
                    bool(_INTERVIEW_TURN.match(text)))


def _linky(text: str) -> bool:
    """A URL, an e-mail address or menu separators in the line (`_LINKY`)."""
    return any(mark in text for mark in _LINKY_MARKS) and _LINKY.search(text) is not None


def is_story_text(text: str) -> bool:
    """True for a paragraph that belongs to the story whatever surrounds it: the lede opening with a
    place line ("LONDON (AP) — Britain's ..."), or an editor's note or correction.

    >>> is_story_text("COLUMBIA, S.C. (AP) — About a dozen business owners gathered on Monday to hear him.")
    True
    >>> is_story_text("Editor's note: This story was updated at 5:45 p.m. ET to include details from NASA.")
    True
    >>> is_story_text("H-E-B launches new beauty department, Sears at South Park Mall closing and more")
    False
    >>> is_story_text("SPONSORED — Get 50 percent off your first box of meals when you sign up today."), is_story_text("US - China trade talks stall as the two sides fail to agree on tariffs.")
    (False, False)
    """
    return (len(text.split()) >= STORY_MIN_WORDS
            and (_PLACE_LINE.match(text) is not None or _EDITORS_NOTE.match(text) is not None))


def features(lines: list[Line], language: str | None) -> list[Features]:
    return [line_features(ln.text, language) for ln in lines]
