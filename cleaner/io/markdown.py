"""Markdown in: tell Markdown from scraped plain text, and read it into the pipeline's lines.

`build` parses with markdown-it (CommonMark, plus tables and strikethrough) and turns each block
into one `Line`: a heading, a paragraph, a list item, a quote, a table row (cells joined by
" | "), a fenced code block, or an image-only line (its alt text). A line's text is what a reader
sees: no link targets, image syntax, escapes, emphasis markers, heading or bullet marks. Its
`kind`, `level`, `ordinal`, `link_share` and `links` say what the syntax said. A paragraph is
cut at its line breaks too (each source line one `Line`), unless the document is hard-wrapped
(`_hard_wrapped`): scrapers write one block per line, people wrap their prose.

What scrapers' Markdown (html2text's above all) does that CommonMark does not expect:

- html2text indents the content of nested blocks: indented text is never a code block here
  (the indented-code rule is off; fenced code stays code);
- a link around block content comes out as ``[`` ... blocks ... ``](url)``: the dangling bracket
  and the target are dropped and the blocks between them are link text;
- an empty ``<b>`` or ``<i>`` leaves ``**`` or ``__``: dropped;
- ``javascript:`` and other targets CommonMark refuses still make links (nothing is rendered
  as HTML here, so no target is unsafe);
- links side by side (``[A](a)[B](b)``, menus) are apart on the page: a space between them;
- a link around a link (``[ ![img](src) Name [Colour](c) ](url)``) is not CommonMark: the outer
  bracket and target are dropped and the text between is the outer link's;
- a fence never closed, or blocks nested too deep, would make the parser pass over the rest
  (`_parse`);
- raw HTML is read inline, never as an HTML block (which runs to a closing marker that scraped
  text may never have): tags of HTML elements are dropped (``<br>`` breaks the line), other
  "tags" (``<username>`` in a manual) are text; comments, scripts and styles are dropped.

Reference-style links are resolved by the parser, and their definitions are not text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import regex

from ..document import Document, Line
from ..decide.language import CJK_CLASS, detect
from ..decide.normalize import normalize_line, split_physical_lines

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
SNIFF_CHARS = 16384  # detection reads this much of the start of a text
# Detection counts constructs plain text almost never spells: links and images with a target,
# ATX headings, tables, fences, strong emphasis, backslash escapes of Markdown's own characters.
# There must be MIN_MARKS of them, one per 1/MARKS_PER_BLOCK blocks at least; and a link or an
# image among them (scrapers' Markdown is full of them), or else MIN_KINDS kinds of construct
# (bullet lists counted too): a shell comment reads like a heading, Python's ``**kwargs`` like
# strong emphasis, but a manual does not look like Markdown in four ways.
MIN_MARKS = 3
MARKS_PER_BLOCK = 0.05
MIN_KINDS = 4
_ESCAPED = frozenset("*_[]#`")  # what Markdown writers escape (a "\n" or "\$" in code is not that)
# Cheap signs of the constructs, looked for before parsing: a text with no link or image syntax
# and fewer than MIN_KINDS of these is not parsed (plain text meets "#" and "|" often enough).
_SIGNS = (regex.compile(r"(?m)^ {0,3}#{1,6}[ \t]"), regex.compile(r"\*\*|__"), regex.compile(r"```|~~~"),
          regex.compile(r"\|"), regex.compile(r"\\[*_\[\]#`]"), regex.compile(r"(?m)^ {0,3}[-*+][ \t]"))
_DELIMITERS = ("*", "_")
_TAG = regex.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_HIDDEN = frozenset(("script", "style"))  # raw HTML elements whose content is not text
_HTML_ELEMENTS = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption center cite "
    "code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font "
    "footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map "
    "mark meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s "
    "samp script section select small source span strike strong style sub summary sup svg table tbody td "
    "template textarea tfoot th thead time title tr track tt u ul var video wbr path g".split())
_PLAIN_TARGET = re.compile(r"[^\x00-\x20\x7f\\()<&]*")  # a link target's characters that need no care
_TARGET_ENDS = frozenset(map(chr, [*range(0x21), 0x7F, 0x29]))  # what ends a target: blank, control, ")"
_CJK_END = regex.compile(CJK_CLASS + "$")
_CJK_START = regex.compile("^" + CJK_CLASS)
_URL_STARTS = ("http://", "https://", "//", "/", "mailto:", "javascript:", "www.")
BLOCK_LINK_REACH = 40  # blocks that a link around blocks (``[`` ... ``](url)``) may span
# Block nesting markdown-it follows (a list is two levels: the list and its item). Its own
# default, 20, is met by html2text's nested menus; Python's recursion limit allows some 600.
MAX_NESTING = 300
WRAPPED_PAIRS = 5  # hard-wrapped text: this many line breaks inside paragraphs, and at this share
WRAPPED_SHARE = 0.8  # of them the next word would not have fitted on the line


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough, without indented code or HTML blocks (raw HTML is
    read inline), accepting every link target; escapes and emphasis delimiters stay tokens of
    their own (text_join and fragments_join off), so a literal ``[`` or ``**`` is told from an
    escaped one."""
    from markdown_it import MarkdownIt, helpers

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.disable(["code", "html_block"])
    md.validateLink = lambda url: True
    md.normalizeLink = lambda url: url  # targets as written: percent-encoding them was a fifth of the parse
    answer = type(helpers.parseLinkDestination("", 0, 0))  # the class of its answers, whatever its name
    md.helpers = SimpleNamespace(**{**vars(helpers), "parseLinkDestination": fast_destination(
        helpers.parseLinkDestination, answer)})
    md.core.ruler.disable("text_join")
    md.inline.ruler2.disable("fragments_join")
    return md


def fast_destination(parse: Callable[[str, int, int], Any], result: type) -> Callable[[str, int, int], Any]:
    """markdown-it's ``parseLinkDestination`` (`parse`, answering a `result`) with a fast path for the
    common target: no angle bracket, parenthesis, backslash or entity before the blank, control
    character or ``)`` that ends it. The same answer; other targets go to `parse`, which reads them
    one character at a time."""
    def destination(text: str, pos: int, maximum: int) -> Any:
        end = _PLAIN_TARGET.match(text, pos, maximum).end()
        if end > pos and (end == maximum or text[end] in _TARGET_ENDS):
            found = result()
            found.ok, found.pos, found.str = True, end, text[pos:end]
            return found
        return parse(text, pos, maximum)
    return destination


def looks_like_markdown(text: str, name: str = "") -> bool:
    """True for Markdown: by file suffix, or by content that spells Markdown's own constructs.

    >>> looks_like_markdown("A plain sentence.\\n\\n* a bullet\\n\\n1. a numbered line\\n\\n#hashtag")
    False
    >>> looks_like_markdown("# Title\\n\\nSee [the report](https://example.org/r).\\n\\n![A chart](c.png)")
    True
    """
    if name.lower().endswith(SUFFIXES):
        return True
    head = text[:SNIFF_CHARS]
    if "](" not in head and sum(1 for sign in _SIGNS if sign.search(head)) < MIN_KINDS:
        return False
    found = markdown_evidence(parser().parse(head))
    marks = sum(n for kind, n in found.items() if kind not in ("blocks", "list"))
    if marks < MIN_MARKS or marks < MARKS_PER_BLOCK * found["blocks"]:
        return False
    return bool(found["link"]) or len(found.keys() - {"blocks"}) >= MIN_KINDS


def markdown_evidence(tokens: list[Token]) -> Counter[str]:
    """How many of each construct only Markdown spells are among parsed `tokens` ("link",
    "heading", "table", "fence", "strong", "escape", "list"), and how many "blocks" they have."""
    found: Counter[str] = Counter()
    for tok in tokens:
        if tok.type in ("paragraph_open", "heading_open", "tr_open", "fence"):
            found["blocks"] += 1
        if tok.type in ("fence", "table_open", "bullet_list_open"):
            found[{"fence": "fence", "table_open": "table", "bullet_list_open": "list"}[tok.type]] += 1
        elif tok.type == "heading_open" and tok.markup.startswith("#"):
            found["heading"] += 1
        for child in tok.children or ():
            if child.type == "image" or (child.type == "link_open" and child.attrGet("href")
                                         and child.markup != "autolink"):
                found["link"] += 1
            elif child.type == "strong_open":
                found["strong"] += 1
            elif child.type == "text_special" and child.info == "escape" and child.content in _ESCAPED:
                found["escape"] += 1
    return found


# --- reading --------------------------------------------------------------------------------------

# A run of a piece: (what, text, link target or None). What: "text"; "literal" (text that cannot
# be syntax: an escaped character, an entity, code); "image" (text: its alt);
# "sep" (a table's cell separator); "soft", "hard" (line breaks); "open" (a dangling "[" that
# opens a link around the blocks that follow); "close" (text: the target of a link opened in an
# earlier block: the text before it is that link's).
Run = tuple[str, str, "str | None"]


@dataclass
class _Piece:
    """A line under construction: its runs and where it sits."""

    kind: str
    level: int
    start: int
    end: int
    blank_before: bool
    ordinal: int | None = None
    runs: list[Run] = field(default_factory=list)
    code: str | None = None  # a fenced block's text, kept as it is


def build(text: str, source: str = "<markdown>") -> Document:
    """Read Markdown `text` into a `Document` of lines (see the module docstring)."""
    raw = split_physical_lines(text)
    unified = "\n".join(raw)
    tokens = _parse(_bounded_brackets(raw))
    pieces = list(_Reader(raw, _hard_wrapped(tokens, raw)).read(tokens))
    _span_block_links(pieces)
    lines = [line for piece in pieces if (line := _line(piece)) is not None]
    language = detect("\n".join(ln.text for ln in lines))
    return Document(source=source, lines=lines, original=unified, language=language)


MAX_BRACKETS = 400  # "[" in one paragraph beyond which its links are not parsed


def _bounded_brackets(raw: list[str]) -> list[str]:
    """The source lines with every "[" escaped in a paragraph (a run of non-blank lines) that holds
    more than MAX_BRACKETS of them: markdown-it looks for the end of a link label from each "[",
    so its time grows with their square (a paragraph of 100,000 took minutes). Such a paragraph
    keeps its text; its links are read as text.

    >>> _bounded_brackets(["[a](b)", "", "[" * 401])[2][:4], _bounded_brackets(["[a](b)"])
    ('\\\\[\\\\[', ['[a](b)'])
    """
    out = list(raw)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].strip():
            j += 1
        if sum(line.count("[") for line in out[i:j]) > MAX_BRACKETS:
            out[i:j] = [line.replace("[", "\\[") for line in out[i:j]]
        i = j + 1
    return out


def _parse(raw: list[str], offset: int = 0) -> list[Token]:
    """markdown-it's block tokens for the source lines `raw` (numbered from `offset`), all of them.

    Two constructs make markdown-it pass over the rest of their container, which scrapers' text
    meets: a fence never closed (html2text writes ``~~~~`` for an empty strikethrough) and
    blocks nested deeper than `MAX_NESTING`. There the line is read as text and what it swallowed
    is parsed on its own."""
    tokens = parser().parse("\n".join(raw))
    for tok in tokens:
        if tok.map:
            tok.map = [tok.map[0] + offset, tok.map[1] + offset]
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "fence" and tok.map and not _closed(tok, raw[tok.map[1] - offset - 1]):
            line, end = tok.map[0] - offset, tok.map[1] - offset
            out += _as_text(raw[line], line + offset) + _parse(raw[line + 1:end], offset + line + 1)
            i += 1
        elif tok.nesting == 1 and tok.level >= MAX_NESTING - 1 and tok.map:
            line = tok.map[0] - offset
            resume = next((j for j in range(i + 1, len(tokens)) if tokens[j].map and tokens[j].map[0] - offset > line),
                          len(tokens))
            end = tokens[resume].map[0] - offset if resume < len(tokens) else len(raw)
            out += tokens[i:resume] + _as_text(raw[line], line + offset) + _parse(raw[line + 1:end], offset + line + 1)
            i = resume
        else:
            out.append(tok)
            i += 1
    return out


def _closed(fence: Token, last: str) -> bool:
    """Whether the last source line of a fence closes it (inside a quote, after its ">")."""
    mark = last.strip(" \t>")
    return len(fence.map or ()) == 2 and fence.map[1] - fence.map[0] > 1 and len(mark) >= len(fence.markup) \
        and mark == fence.markup[0] * len(mark)


def _as_text(line: str, number: int) -> list[Token]:
    """Source line `number` as a paragraph of its inline content."""
    from markdown_it.token import Token

    inline = parser().parseInline(line.strip())[0]
    inline.map = [number, number + 1]
    return [Token("paragraph_open", "p", 1, map=inline.map), inline, Token("paragraph_close", "p", -1)]


def _hard_wrapped(tokens: list[Token], raw: list[str]) -> bool:
    """True when the paragraphs are wrapped at a width (their line breaks are not the writer's):
    at least `WRAPPED_PAIRS` line breaks inside paragraphs, and at nearly all of them a line of
    words goes on with a word that would not have fitted on it (the widest line, between 40 and
    160 characters)."""
    pairs = [(raw[i].strip(), raw[i + 1].strip()) for tok in tokens if tok.type == "inline" and tok.map
             for i in range(tok.map[0], tok.map[1] - 1)]
    if len(pairs) < WRAPPED_PAIRS:
        return False
    width = max(len(a) for a, _ in pairs)
    full = sum(len(a) + 1 + len(b.split(" ", 1)[0]) > width and b[:1].isalnum() and a.count(" ") >= 4
               for a, b in pairs)
    return 40 <= width <= 160 and full >= WRAPPED_SHARE * len(pairs)


class _Reader:
    """Walks markdown-it's block tokens, keeping track of the lists and quotes it is in."""

    def __init__(self, raw: list[str], wrapped: bool):
        self.raw = raw
        self.breaks = ("hard",) if wrapped else ("hard", "soft")
        self.containers: list[str] = []  # "list", "item", "quote", innermost last
        self.ordinals: list[int | None] = []  # per open item: its number, until its first block
        self.row: _Piece | None = None

    def blank_before(self, line: int) -> bool:
        return line == 0 or not self.raw[line - 1].strip()

    def context(self) -> tuple[str, int]:
        """The kind and level a paragraph gets from the innermost list item or quote around it."""
        for c in reversed(self.containers):
            if c in ("item", "quote"):
                return c, self.containers.count("list") if c == "item" else 0
        return "", 0

    def read(self, tokens: list[Token]) -> Iterator[_Piece]:
        kind, level = "", 0
        for tok in tokens:
            t = tok.type
            start, end = tok.map or (0, 1)
            if t in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
                self.containers.append("quote" if t == "blockquote_open" else "list")
            elif t == "list_item_open":
                self.containers.append("item")
                self.ordinals.append(int(tok.info) if tok.info.isdigit() and tok.markup in ".)" else None)
            elif t in ("bullet_list_close", "ordered_list_close", "blockquote_close", "list_item_close"):
                if self.containers.pop() == "item":
                    self.ordinals.pop()
            elif t == "heading_open":
                kind, level = "heading", int(tok.tag[1:])
            elif t == "paragraph_open":
                kind, level = self.context()
            elif t == "tr_open":
                self.row = _Piece("table", 0, start, start + 1, self.blank_before(start))
            elif t in ("th_open", "td_open") and self.row is not None:
                if self.row.level:
                    self.row.runs.append(("sep", " | ", None))
                self.row.level += 1  # a row's level: its number of cells
            elif t == "tr_close" and self.row is not None:
                yield self.row
                self.row = None
            elif t == "inline" and self.row is not None:
                self.row.runs.extend(_runs(tok.children or []))
            elif t == "inline":
                yield from self.paragraph(tok, kind, level)
            elif t == "fence":
                yield _Piece("code", 0, start, end, self.blank_before(start), code=tok.content.rstrip("\n"))

    def take_ordinal(self, kind: str) -> int | None:
        """The number of the list item a block opens (None after its first block, or unordered)."""
        if kind != "item" or not self.ordinals:
            return None
        number, self.ordinals[-1] = self.ordinals[-1], None
        return number

    def paragraph(self, tok: Token, kind: str, level: int) -> Iterator[_Piece]:
        """The pieces of one paragraph or heading: one per source line, or one when wrapped."""
        start, end = tok.map or (0, 1)
        piece = _Piece(kind, level, start, start + 1, self.blank_before(start), self.take_ordinal(kind))
        for run in _runs(tok.children or []):
            if run[0] in ("soft", "hard"):
                if run[0] in self.breaks:
                    yield piece
                    piece = _Piece(kind, level, piece.end, piece.end + 1, False)
                    continue
                piece.end += 1
            piece.runs.append(run)
        piece.end = max(piece.end, end)
        yield piece


def _runs(children: list[Token]) -> list[Run]:
    """The runs of one inline token's children (see `Run`)."""
    runs: list[Run] = []
    href: list[str | None] = [None]
    delimiters: list[Run] = []  # a run of unmatched emphasis delimiters: dropped if 2 or more
    previous = ""

    def flush_delimiters() -> None:
        if len(delimiters) == 1:
            runs.extend(delimiters)
        delimiters.clear()

    hidden = False  # inside <script> or <style>
    for child in children:
        t = child.type
        if hidden and t != "html_inline":
            continue
        if t == "text" and child.content in _DELIMITERS:
            delimiters.append(("text", child.content, href[-1]))
            continue
        flush_delimiters()
        if t == "text":
            _text_runs(child.content, href[-1], runs)
        elif t in ("text_special", "code_inline"):
            runs.append(("literal", child.content, href[-1]))
        elif t in ("softbreak", "hardbreak"):
            _mark_open(runs)
            runs.append(("hard" if t == "hardbreak" else "soft", "", None))
        elif t == "link_open":
            if previous == "link_close":  # links side by side are apart on the page
                runs.append(("text", " ", None))
            href.append(child.attrGet("href") or "")
        elif t == "link_close" and len(href) > 1:
            href.pop()
        elif t == "image":
            runs.append(("image", child.content, href[-1]))
        elif t == "html_inline":
            tag = _TAG.match(child.content)
            name = tag[2].lower() if tag else ""
            if name in _HIDDEN:
                hidden = not tag[1]
            elif name == "br":
                runs.append(("hard", "", None))
            elif tag and name not in _HTML_ELEMENTS:  # "<username>": text, not markup
                runs.append(("literal", child.content, href[-1]))
            runs.extend(("soft", "", None) for _ in range(child.content.count("\n")))
        previous = t
    flush_delimiters()
    _mark_open(runs)
    return runs


def _text_runs(text: str, href: str | None, runs: list[Run]) -> None:
    """Add a text token's runs: its text, less each ``](url)`` that closes a link the parser did
    not see (`_close`)."""
    pos = text.find("](")
    while pos >= 0:
        tail = _link_tail(text, pos + 2)
        if tail is None:
            pos = text.find("](", pos + 2)
            continue
        target, end = tail
        runs.append(("text", text[:pos], href))
        _close(runs, target)
        text = text[end:]
        pos = text.find("](")
    runs.append(("text", text, href))


def _close(runs: list[Run], target: str) -> None:
    """A ``](target)`` the parser left as text closes a link opened by the last bracket of the
    paragraph's own text outside links (html2text nests links in links, which CommonMark does not
    read): the bracket goes and the text after it is that link's. Without such a bracket the link
    opened in an earlier block: a "close" run."""
    for i in range(len(runs) - 1, -1, -1):
        what, text, href = runs[i]
        if what == "text" and href is None and "[" in text:
            k = text.rindex("[")
            after = [(w, x, target if h is None and w in ("text", "literal", "image") else h)
                     for w, x, h in runs[i + 1:]]
            runs[i:] = [("text", text[:k], None), ("text", text[k + 1:], target), *after]
            return
    runs.append(("close", target, None))


def _link_tail(text: str, pos: int) -> tuple[str, int] | None:
    """The target of ``url "title")`` starting at `pos` of `text` and where it ends, as
    markdown-it's own link rule reads it, or a URL with spaces up to the next ``)`` (html2text
    writes share links unencoded); None when no link target is there."""
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle

    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    dest = parseLinkDestination(text, pos, n)
    end = dest.pos if dest.ok else pos
    while end < n and text[end] in " \t":
        end += 1
    title = parseLinkTitle(text, end, n)
    if title.ok:
        end = title.pos
        while end < n and text[end] in " \t":
            end += 1
    if dest.ok and end < n and text[end] == ")":
        return dest.str, end + 1
    close = text.find(")", pos)
    if close > pos and text.startswith(_URL_STARTS, pos):
        return text[pos:close].strip(), close + 1
    return None


def _mark_open(runs: list[Run]) -> None:
    """A ``[`` ending a line (its last text run) opens a link around the blocks that follow."""
    for i in range(len(runs) - 1, -1, -1):
        what, text, href = runs[i]
        if what not in ("text", "literal") or not text.strip():
            if what in ("soft", "hard", "open"):
                return
            continue
        if what == "literal":
            return
        if text.rstrip().endswith("[") and href is None:
            runs[i] = ("text", text.rstrip()[:-1], href)
            runs.append(("open", "", None))
        return


def _span_block_links(pieces: list[_Piece]) -> None:
    """A piece that closes a link (``](url)``) opened by a dangling ``[`` in an earlier piece
    (within `BLOCK_LINK_REACH` pieces): the pieces between are that link's text."""
    for i, piece in enumerate(pieces):
        target = next((text for what, text, _ in piece.runs if what == "close"), None)
        if target is None:
            continue
        for j in range(i - 1, max(-1, i - 1 - BLOCK_LINK_REACH), -1):
            runs = pieces[j].runs
            if any(what == "close" for what, _, _ in runs):
                break
            if any(what == "open" for what, _, _ in runs):
                for between in pieces[j + 1:i]:
                    between.runs = [(what, text, target if what in ("text", "literal", "image") else href)
                                    for what, text, href in between.runs]
                break


def _line(piece: _Piece) -> Line | None:
    """The `Line` of a finished piece (None when it shows no text)."""
    if piece.code is not None:
        text = "\n".join(normalize_code(ln) for ln in piece.code.split("\n")).strip("\n")
        return Line(text, piece.start, piece.end, piece.blank_before, kind="code", link_share=0.0) if text else None
    kind = piece.kind
    text, spans = _assemble([r for r in piece.runs if r[0] != "image"])
    if not (text.replace("|", "").strip() if kind == "table" else text):  # an image-only line: its alt texts
        text, spans = _assemble([run for what, alt, href in piece.runs if what == "image"
                                  for run in (("text", alt, href), ("text", " ", None))])
        if not text:
            return None
        kind = "image"
    level = piece.level if kind in ("heading", "item", "table") else 0
    ordinal = piece.ordinal if kind == "item" else None
    return Line(text, piece.start, piece.end, piece.blank_before, kind=kind, level=level,
                link_share=_share(text, spans), links=spans or None, ordinal=ordinal)


def normalize_code(line: str) -> str:
    """One line of a code block: invisible characters and trailing spaces removed, indentation kept."""
    indent = line[:len(line) - len(line.lstrip(" \t"))]
    return indent + normalize_line(line) if line.strip() else ""


def _assemble(runs: list[Run]) -> tuple[str, list[tuple[int, int, str]]]:
    """The text of a line's runs (spaces normalized; a soft break is a space, or nothing between
    two CJK characters) and its link spans (start, end, target), one per link."""
    text = ""
    spans: list[tuple[int, int, str]] = []
    space = soft = False  # a space (from a space or a soft break) is due before the next text
    for what, raw, href in runs:
        if what == "close":
            if text:
                spans = [(0, len(text), raw)]
            continue
        if what in ("soft", "hard"):
            soft = True
            continue
        if what == "sep":
            text, space, soft = text.rstrip() + raw, False, False
            continue
        if what not in ("text", "literal"):
            continue
        norm = normalize_line(raw)
        if not norm:
            space = space or bool(raw)
            continue
        if text and not text.endswith(" "):
            if space or raw[0].isspace():
                text += " "
            elif soft and not (_CJK_END.search(text) and _CJK_START.match(norm)):
                text += " "
        start = len(text)
        text += norm
        if href is not None:
            if spans and spans[-1][2] == href and not text[spans[-1][1]:start].strip():
                start = spans.pop()[0]
            spans.append((start, len(text), href))
        space, soft = raw[-1].isspace(), False
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    return stripped, [(s - lead, min(e - lead, len(stripped)), h) for s, e, h in spans]


def _share(text: str, spans: list[tuple[int, int, str]]) -> float:
    """The share of `text`'s non-space characters inside the link spans."""
    total = len(text) - text.count(" ")
    if not total:
        return 0.0
    linked = sum(e - s - text.count(" ", s, e) for s, e, _ in spans)
    return round(linked / total, 4)
