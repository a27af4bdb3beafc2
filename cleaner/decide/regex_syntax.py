"""A regular expression read piece by piece, for the code that reasons about a pattern's text
(whether a rule is anchored, how to widen ftfy's pattern for RE2)."""

from __future__ import annotations

from collections.abc import Iterator


def pieces(pattern: str, verbose: bool = False) -> Iterator[tuple[str, bool]]:
    """The pieces of `pattern` in order, each with whether it lies inside a character class (a
    class's members and its closing ``]``; its opening is outside). A piece is an escape (two
    characters), a class's opening (``[`` or ``[^``, with a ``]`` right after it, a member, in
    the same piece), or one character. With `verbose` (``re.VERBOSE``), whitespace and ``#``
    comments outside a class are left out."""
    i, inside = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            piece = pattern[i:i + 2]
        elif inside:
            piece = c
        elif c == "[":
            piece = "[^" if pattern.startswith("[^", i) else "["
            if pattern.startswith("]", i + len(piece)):
                piece += "]"
        elif verbose and c == "#":
            end = pattern.find("\n", i)
            i = len(pattern) if end < 0 else end
            continue
        elif verbose and c.isspace():
            i += 1
            continue
        else:
            piece = c
        yield piece, inside
        inside = piece.startswith("[") and not inside or inside and piece != "]"
        i += len(piece)
