# cython: language_level=3, boundscheck=False, wraparound=False
"""Per-line figures, compiled: one pass over a line's characters instead of a dozen `regex` searches.
Each has a `regex` reference it must equal (the tests compare them, `benchmarks/reference.py` on
every corpus line): `shape_figures` is `evidence.shape_reference`, `word_counts` and
`content_words` are `features.word_counts_reference` and `evidence.content_words_reference`,
`words` is ``language.WORD.findall``.

Every character class is read from a table of flags per code point, each flag filled the first
time a character is seen by asking `regex` itself (``\\w``, ``\\p{Lu}``, ...): the classes are the
reference's by construction, whatever Unicode version `regex` ships."""

import regex

cdef enum:  # the flags of a code point
    KNOWN = 1
    WORD = 2
    UPPER = 4
    LOWER = 8
    LETTER = 16
    DIGIT = 32
    SPACE = 64
    ISDIGIT = 128  # str.isdigit (not regex's \d): what the references ask of a token

cdef unsigned char _flags[0x110000]  # per code point; 0: not asked yet
_CLASSES = ((WORD, regex.compile(r"\w")), (UPPER, regex.compile(r"\p{Lu}")), (LOWER, regex.compile(r"\p{Ll}")),
            (LETTER, regex.compile(r"\p{L}")), (DIGIT, regex.compile(r"\d")), (SPACE, regex.compile(r"\s")))


cdef unsigned char _ask(Py_UCS4 c):
    cdef unsigned char f = KNOWN
    s = chr(c)
    for bit, pattern in _CLASSES:
        if pattern.fullmatch(s) is not None:
            f |= <unsigned char> bit
    if s.isdigit():
        f |= ISDIGIT
    _flags[c] = f
    return f


cdef inline unsigned char flags(Py_UCS4 c):
    cdef unsigned char f = _flags[c]
    return f if f else _ask(c)


cdef Py_ssize_t _separators(str text, Py_ssize_t n):
    """Non-overlapping matches of ``\\s[|•·/»›>–-]\\s``."""
    cdef Py_ssize_t i = 0, count = 0
    cdef Py_UCS4 mark
    while i + 2 < n:
        mark = text[i + 1]
        if flags(text[i]) & SPACE and mark in "|•·/»›>–-" and flags(text[i + 2]) & SPACE:
            count += 1
            i += 3
        else:
            i += 1
    return count


cdef bint _glue_end(str text, Py_ssize_t k, Py_ssize_t n):
    """The lookahead ``(?=\\p{Ll}|\\s|$)`` at `k` (``$``: the end, or a last newline)."""
    if k >= n:
        return True
    cdef unsigned char f = flags(text[k])
    return (f & LOWER) or (f & SPACE) or (k == n - 1 and text[k] == "\n")


cdef Py_ssize_t _glued(str text, Py_ssize_t n):
    """Non-overlapping matches of ``\\p{Ll}[.!?”’\\"')]?\\p{Lu}(?=\\p{Ll}|\\s|$)``."""
    cdef Py_ssize_t i = 0, count = 0, j
    cdef Py_UCS4 mark
    while i + 1 < n:
        if flags(text[i]) & LOWER:
            j = i + 1
            mark = text[j]
            if mark in ".!?”’\"')":  # the optional mark (no capital is one: no other way)
                if j + 1 < n and flags(text[j + 1]) & UPPER and _glue_end(text, j + 2, n):
                    count += 1
                    i = j + 2
                    continue
            elif flags(text[j]) & UPPER and _glue_end(text, j + 1, n):
                count += 1
                i = j + 1
                continue
        i += 1
    return count


cdef Py_ssize_t _sentence_ends(str text, Py_ssize_t n):
    """Non-overlapping matches of ``[.!?。！？][\\"”’»)]*\\s+\\p{Lu}|[。！？]``."""
    cdef Py_ssize_t i = 0, count = 0, j, k
    cdef Py_UCS4 c, mark
    while i < n:
        c = text[i]
        if c in ".!?。！？":
            j = i + 1
            while j < n:
                mark = text[j]
                if mark not in "\"”’»)":
                    break
                j += 1
            k = j
            while k < n and flags(text[k]) & SPACE:
                k += 1
            if k > j and k < n and flags(text[k]) & UPPER:
                count += 1
                i = k + 1
                continue
            if c in "。！？":
                count += 1
        i += 1
    return count


cdef bint _ellipsis(str text, Py_ssize_t n):
    """``(\\.\\.\\.|…)\\s*$``: an ellipsis, then nothing but blanks."""
    cdef Py_ssize_t k = n
    while k > 0 and flags(text[k - 1]) & SPACE:
        k -= 1
    return (k >= 1 and text[k - 1] == "…") or (k >= 3 and text[k - 3] == "." and text[k - 2] == "." and text[k - 1] == ".")


cdef bint _copyright(str text, Py_ssize_t n):
    """``©|\\(c\\)\\s*\\d{4}``, ignoring case."""
    cdef Py_ssize_t i, k, d
    if "©" in text:
        return True
    for i in range(n - 2):
        if text[i] == "(" and (text[i + 1] == "c" or text[i + 1] == "C") and text[i + 2] == ")":
            k = i + 3
            while k < n and flags(text[k]) & SPACE:
                k += 1
            d = 0
            while d < 4 and k + d < n and flags(text[k + d]) & DIGIT:
                d += 1
            if d == 4:
                return True
    return False


def shape_figures(str text) -> tuple:
    """The figures of `evidence.shape_reference`, in its order."""
    cdef Py_ssize_t n = len(text), i
    cdef Py_ssize_t upper_words = 0, starts = 0, letters = 0, uppers = 0, digits = 0, punct = 0, quote = 0
    cdef unsigned char f, before = 0
    cdef Py_UCS4 c
    for i in range(n):
        c = text[i]
        f = flags(c)
        if (f & WORD) != (before & WORD):  # \b
            if f & WORD:
                starts += 1
            if f & UPPER:
                upper_words += 1
        uppers += (f & UPPER) != 0
        letters += (f & LETTER) != 0
        digits += (f & DIGIT) != 0
        punct += (f & (WORD | SPACE)) == 0
        if not quote and c in "\"“”«»„":
            quote = 1
        before = f
    cdef double chars = n or 1
    cdef double starts_ = starts or 1, letters_ = letters or 1
    words = text.split()
    stripped = text.rstrip()
    return (
        upper_words / starts_,
        uppers / letters_,
        digits / chars,
        punct / chars,
        sum(map(len, words)) / (len(words) or 1),
        float(text[:1].islower()),
        float(stripped.endswith(":")),
        float(stripped.endswith(("?", "？"))),
        float(_ellipsis(text, n)),
        float(quote),
        float(_separators(text, n)),
        float("http://" in text or "https://" in text or "www." in text),
        float(_copyright(text, n)),
        float(_glued(text, n)),
        float(_sentence_ends(text, n)),
        letters_ / chars,
    )


def word_counts(str text, stops) -> tuple:
    """(tokens, tokens in `stops` once lower-cased, tokens of digits) of the ``\\w+`` tokens of `text`."""
    cdef Py_ssize_t n = len(text), i = 0, start, tokens = 0, stop = 0, digits = 0
    cdef unsigned char f, all_digits
    while i < n:
        f = flags(text[i])
        if not f & WORD:
            i += 1
            continue
        start = i
        all_digits = ISDIGIT
        while i < n:
            f = flags(text[i])
            if not f & WORD:
                break
            all_digits &= f
            i += 1
        tokens += 1
        digits += all_digits != 0
        if stops and text[start:i].lower() in stops:
            stop += 1
    return tokens, stop, digits


def words(str text) -> list:
    """The ``\\w+`` tokens of `text`, in order (``WORD.findall``)."""
    cdef Py_ssize_t n = len(text), i = 0, start
    out = []
    while i < n:
        if not flags(text[i]) & WORD:
            i += 1
            continue
        start = i
        while i < n and flags(text[i]) & WORD:
            i += 1
        out.append(text[start:i])
    return out


def content_words(str text, stops) -> frozenset:
    """The lower-cased ``\\w+`` tokens of `text` of three characters or more, not in `stops`, not digits."""
    out = set()
    for token in words(text):
        word = token.lower()
        if len(word) >= 3 and word not in stops and not word.isdigit():
            out.add(word)
    return frozenset(out)
