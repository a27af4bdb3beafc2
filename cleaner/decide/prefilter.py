"""Which rules can match a line, all rules at once in linear time (RE2's ``Set``).

Matching a line rule by rule (or as one alternation of ~50 patterns in the `regex` engine) costs
about 25 µs a line, most of it on the many lines no rule matches. Here each rule's pattern is
translated into an RE2 pattern that matches *at least* what it matches (a superset: ``\\w``,
``\\d``, ``\\s`` and ``\\p{..}`` are exact on ASCII and take any character beyond it, look-arounds
and ``\\b`` are dropped, atomic groups and possessive quantifiers become plain ones, counted
repetitions at most three required copies and no upper bound), and they are compiled into two
``re2.Set``s, each run once per line: the rules anchored at the line's start, matched from it
(a small automaton), and the others, searched. A rule the sets do not report cannot match, so
`RuleSet.match` skips it; the rules they report are matched as before, by `regex`, so decisions
are exactly those of matching every rule. A rule that cannot be translated (a back-reference, a
construct RE2 lacks) is always reported. Lines RE2 cannot read (lone surrogates) or longer than
`MAX_CHARS` get no prefilter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache

import re2
import regex

MAX_CHARS = 2000  # longer lines skip the prefilter (its lazily built automaton is sized for lines)
MAX_MEM = 32 << 20  # bytes RE2 may use for each set's automaton (16: scrapinghub 20% slower; 64: no faster)
# Lines beyond ASCII are matched against the patterns in sets of at most this many: in UTF-8 the
# automaton of all ~40 anchored patterns outgrows its memory on Cyrillic lines (121 µs a line,
# and its states thrown away slow the ASCII lines after them, 15 µs on a mixed batch), where sets
# of 10 take 4-6 µs on every script and the ASCII lines, matched by the whole set, 1-3 µs
BEYOND_ASCII_SET = 10
BEYOND_ASCII_MEM = 8 << 20
_ANY = r"\x00-\x{10FFFF}"
# Class escapes, loosened to ASCII-exact supersets (RE2's own are ASCII only): outside a class...
_OUTSIDE = {"w": r"[0-9A-Za-z_\x{80}-\x{10FFFF}]", "W": r"[^0-9A-Za-z_]",
            "d": r"[0-9\x{80}-\x{10FFFF}]", "D": r"[^0-9]",
            "s": r"[\t-\r\x1c-\x20\x{80}-\x{10FFFF}]", "S": r"[^\t-\r ]", "b": "", "B": ""}
# ...and inside one (where a negated form cannot be written, the class gets everything)
_INSIDE = {"w": r"0-9A-Za-z_\x{80}-\x{10FFFF}", "W": r"\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x{10FFFF}",
           "d": r"0-9\x{80}-\x{10FFFF}", "D": _ANY, "s": r"\t-\r\x1c-\x20\x{80}-\x{10FFFF}", "S": _ANY}
_REPEAT = regex.compile(r"\{(\d*)(,(\d*))?\}")
_KEPT_ESCAPES = set(".^$*+?()[]{}|\\/-&~#%!,:;<>=@'\"` ") | set("ntrfvaA")


class Untranslatable(ValueError):
    """A pattern with a construct that has no RE2 superset here."""


def translate(pattern: str) -> str:
    """An RE2 pattern that matches wherever the `regex` (V0) `pattern` matches, and maybe more."""
    out: list[str] = []
    drops: list[int | None] = []  # per open group: where its text starts in `out` if it is dropped
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            text, i = _escape(pattern, i, in_class=False)
            out.append(text)
            continue
        if c == "[":
            text, i = _char_class(pattern, i)
            out.append(text)
            continue
        if c == "(":
            if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
                drops.append(len(out))  # a look-around asserts: dropped, what remains matches more
                i += 3 if pattern[i + 2] in "=!" else 4
                continue
            drops.append(None)
            if pattern.startswith("(?>", i):  # atomic group: a plain one matches at least as much
                out.append("(?:")
                i += 3
                continue
            if pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?P<", "(?i", "(?-i"), i):
                raise Untranslatable(f"group {pattern[i:i + 4]!r}")
        elif c == ")":
            if not drops:
                raise Untranslatable("unbalanced parenthesis")
            start = drops.pop()
            if start is not None:
                del out[start:]
                i += 1
                continue
        elif c in "*+?}" and i + 1 < n and pattern[i + 1] == "+":  # possessive: the plain quantifier
            out.append(c)
            i += 2
            continue
        elif c == "{":
            rep = _repeat(pattern, i)
            if rep is None:  # a literal brace, or `regex`'s fuzzy matching ({e<=1}): not read here
                raise Untranslatable("a brace that is no counted repetition")
            out.append(rep[0])
            i = rep[1] + pattern.startswith("+", rep[1])  # a possessive one: the plain one
            continue
        elif c == "$":  # `regex`'s $ also matches before a final newline
            out.append(r"(?:\n?\z)")
            i += 1
            continue
        out.append(c)
        i += 1
    if drops:
        raise Untranslatable("unbalanced parenthesis")
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The RE2 text for the escape at `pattern[i]` (a backslash), and the index after it."""
    if i + 1 >= len(pattern):
        raise Untranslatable("trailing backslash")
    c = pattern[i + 1]
    table = _INSIDE if in_class else _OUTSIDE
    if c in table:
        return table[c], i + 2
    if c in "pP":  # a Unicode property: exact on ASCII, any character beyond
        end = pattern.index("}", i) + 1 if pattern.startswith("{", i + 2) else i + 3
        body = _ascii_members(pattern[i:end]) + r"\x{80}-\x{10FFFF}"
        return (body, end) if in_class else (f"[{body}]", end)
    if c == "x" and pattern.startswith("{", i + 2):
        end = pattern.index("}", i) + 1
        return pattern[i:end], end
    if c in "xuU":
        width = {"x": 2, "u": 4, "U": 8}[c]
        digits = pattern[i + 2:i + 2 + width]
        if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise Untranslatable(f"escape \\{c}{digits}")
        return rf"\x{{{digits}}}", i + 2 + width
    if c == "Z":
        return r"(?:\n?\z)", i + 2
    if c in _KEPT_ESCAPES or not c.isalnum():
        return pattern[i:i + 2], i + 2
    raise Untranslatable(f"escape \\{c}")


@lru_cache(maxsize=None)
def _ascii_members(escape: str) -> str:
    """The ASCII characters `regex` puts in the class `escape` (``\\p{Lu}``...), as an RE2 class body."""
    try:
        members = [k for k in range(128) if regex.fullmatch(escape, chr(k))]
    except regex.error as e:
        raise Untranslatable(f"{escape}: {e}") from None
    return "".join(f"\\x{{{k:02x}}}" for k in members)


def _repeat(pattern: str, i: int) -> tuple[str, int] | None:
    """A counted repetition at `pattern[i]` (``{m}``, ``{m,}``, ``{,n}``, ``{m,n}``) loosened to at
    most 3 required copies and no upper bound (RE2 writes out every copy), and the index after it;
    None when the brace is a literal."""
    m = _REPEAT.match(pattern, i)
    if m is None or not (m.group(1) or m.group(3)):
        return None
    low = int(m.group(1) or 0)
    if m.group(2) is None and low <= 3:
        return m.group(0), m.end()
    high = m.group(3)
    if high and int(high) <= 8:
        return f"{{{low},{high}}}", m.end()
    return f"{{{min(low, 3)},}}", m.end()


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """The RE2 text for the character class at `pattern[i]` (a ``[``), and the index after it."""
    j = i + 1
    negated = j < len(pattern) and pattern[j] == "^"
    j += negated
    parts, loosened = ["[^" if negated else "["], False
    if j < len(pattern) and pattern[j] == "]":  # a leading ] is a literal
        parts.append(r"\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        c = pattern[j]
        if c == "[":
            if pattern.startswith("[:", j):
                raise Untranslatable("POSIX class")  # RE2's are ASCII only
            parts.append(r"\[")
            j += 1
        elif c == "\\":
            loosened |= pattern[j + 1:j + 2] in _INSIDE
            text, j = _escape(pattern, j, in_class=True)
            parts.append(text)
        else:
            parts.append(c)
            j += 1
    if j >= len(pattern):
        raise Untranslatable("unterminated class")
    if negated and loosened:
        return f"[{_ANY}]", j + 1  # the complement of a loosened class would match less: take every character
    return "".join(parts) + "]", j + 1


class Prefilter:
    """Which of `patterns` (by index) can match a line, in one pass over it per kind of pattern:
    those `anchored` at the start of the line in a set matched from the start (its automaton stays
    small), the others in a set searched everywhere; for lines beyond ASCII, the same patterns in
    sets of at most BEYOND_ASCII_SET (each set's automaton stays within its memory)."""

    def __init__(self, patterns: Sequence[str], anchored: Sequence[bool] | None = None):
        options = _options(MAX_MEM)
        sets = {True: re2.Set.MatchSet(options), False: re2.Set.SearchSet(options)}  # anchored? -> its set
        self._items: dict[bool, list[tuple[int, str]]] = {True: [], False: []}  # anchored? -> (index, RE2 pattern)
        always = set()
        for k, pattern in enumerate(patterns):
            at_start = anchored is not None and anchored[k]
            try:
                text = translate(pattern)
                sets[at_start].Add(text)
            except (Untranslatable, re2.error):
                always.add(k)
                continue
            self._items[at_start].append((k, text))
        self._ascii: list[tuple[re2.Set, list[int]]] = []  # each set, and its index -> the pattern's
        for at_start, s in sets.items():
            if self._items[at_start]:
                s.Compile()
                self._ascii.append((s, [k for k, _ in self._items[at_start]]))
        self.always = frozenset(always)

    @cached_property
    def _beyond_ascii(self) -> list[tuple[re2.Set, list[int]]]:
        """The sets for lines beyond ASCII (built on the first such line)."""
        return [_set(at_start, items[i:i + BEYOND_ASCII_SET], BEYOND_ASCII_MEM)
                for at_start, items in self._items.items() for i in range(0, len(items), BEYOND_ASCII_SET)]

    def possible(self, text: str) -> frozenset[int] | None:
        """Indices of the patterns that may match `text`; None when this cannot tell."""
        if len(text) > MAX_CHARS or not self._ascii:
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        found: set[int] | None = None  # most lines: no hit, and no set built
        for s, slot in self._ascii if text.isascii() else self._beyond_ascii:
            hits = s.Match(data)
            if hits:
                found = set(self.always) if found is None else found
                found.update(slot[h] for h in hits)
        return self.always if found is None else frozenset(found)


def _set(at_start: bool, items: list[tuple[int, str]], max_mem: int) -> tuple[re2.Set, list[int]]:
    """The compiled set of the (index, RE2 pattern) `items`, matched from the start of a line or
    searched in it, and its index -> the pattern's."""
    s = re2.Set.MatchSet(_options(max_mem)) if at_start else re2.Set.SearchSet(_options(max_mem))
    for _, text in items:
        s.Add(text)
    s.Compile()
    return s, [k for k, _ in items]


def _options(max_mem: int) -> re2.Options:
    options = re2.Options()
    options.max_mem = max_mem
    options.log_errors = False
    return options
