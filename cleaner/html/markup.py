"""HTML made safe to parse: characters XML cannot hold removed, and hostile tags bounded.

lxml refuses strings with control characters or lone surrogates ("All strings must be XML
compatible"), and libxml2 (like resiliparse's parser) takes time quadratic in the number of
attributes of one tag (300,000 attributes: minutes). `sanitize` removes the former and strips the
attributes of any tag that has more than `MAX_ATTRIBUTES`, saying so; both scans are linear.
"""

from __future__ import annotations

import regex

MAX_ATTRIBUTES = 256
LONG_TAG = 2000  # only tags at least this long are counted (a tag with many attributes is long)

# C0 controls except tab and newlines, the two non-characters, and lone surrogates (a str holds
# surrogates only when they are unpaired).
_NOT_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]+")
_LONG_TAG = regex.compile(r"<([a-zA-Z][^\s/<>]*)([^<>]{%d,})>" % LONG_TAG)
_ATTRIBUTE = regex.compile(r"""[^\s=<>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")

BOUNDED = "html.bounded"


def sanitize(html: str) -> tuple[str, list[str]]:
    """`html` without characters XML cannot hold, and with the attributes of over-attributed tags
    removed; and a warning for each kind of thing given up.

    >>> sanitize("<p>a\\x00b\\x0bc\\ud800</p>")
    ('<p>ab c</p>', [])
    >>> text, notes = sanitize("<p " + " ".join(f"a{i}=1" for i in range(600)) + ">x</p>")
    >>> text, notes[0].startswith(BOUNDED)
    ('<p>x</p>', True)
    """
    html = _NOT_XML.sub(lambda m: " " if m[0][0] in "\x0b\x0c" else "", html)
    stripped = 0

    def strip(m: regex.Match) -> str:
        nonlocal stripped
        if sum(1 for _ in _ATTRIBUTE.finditer(m[2])) <= MAX_ATTRIBUTES:
            return m[0]
        stripped += 1
        return f"<{m[1]}>"

    html = _LONG_TAG.sub(strip, html)
    notes = [f"{BOUNDED}: {stripped} tag(s) with over {MAX_ATTRIBUTES} attributes lost their attributes"] if stripped else []
    return html, notes
