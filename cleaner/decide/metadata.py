"""Metadata: fields lifted by rules (author, date), the title, and date values as ISO 8601.

Dates are parsed by a few compiled patterns (day-month-year and month-day-year with English month
names, ISO, and numeric day-first forms) rather than a general date library: the values come from
short lines already picked by a rule, and this keeps the text path free of slow imports.
"""

from __future__ import annotations

import calendar
from functools import lru_cache

import regex

from ..document import Document, Line
from .features import Features, is_story_text
from .language import WORD
from .normalize import comparison_key

_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for m in names}
_MONTH = (r"(?P<mon>january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|"
          r"september|sept|sep|october|oct|november|nov|december|dec)\b\.?")
_DATE_FORMS = [
    regex.compile(rf"\b(?P<d>\d{{1,2}})(st|nd|rd|th)?\s+{_MONTH},?\s+(?P<y>\d{{4}})\b", regex.I),
    regex.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", regex.I),
    regex.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    regex.compile(r"(?<!\d)(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})(?!\d)"),
]
_YEAR = regex.compile(r"\d{4}")  # every form holds a year: a line without four digits in a row is not searched
_TITLE_END = regex.compile(r"[.:;,。．]$")
LETTER = regex.compile(r"\p{L}")
UPPER = regex.compile(r"\p{Lu}")
_NOT_TITLE = regex.compile(r"^\W*by\s|@\w|\d{1,2}:\d\d", regex.I)  # bylines, handles, times
DATELINE_MAX_WORDS = 14  # a longer line that holds a date is a sentence or a caption, not a dateline
DATELINE_LOOKBACK = 12  # lines before the body searched for a dateline


@lru_cache(maxsize=1 << 14)
def parse_date(text: str) -> str | None:
    """The first valid date in `text` as ISO 8601 (YYYY-MM-DD), or None.

    >>> parse_date("27 November 2024, 12:04"), parse_date("- Published Date: 07:38 | 29 October 2024")
    ('2024-11-27', '2024-10-29')
    >>> parse_date("Nov. 18, 2019 11:03 PM"), parse_date("2024-03-05T10:00Z"), parse_date("Published on")
    ('2019-11-18', '2024-03-05', None)
    >>> parse_date("Nov. 18, 2019 (updated 2 December 2019)"), parse_date("Decision 2, 2021"), parse_date("31 February 2024")
    ('2019-11-18', None, None)
    """
    if _YEAR.search(text) is None:
        return None
    found = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            g = m.groupdict()
            month = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
            day, year = int(g["d"]), int(g["y"])
            if 1 <= month <= 12 and 1900 <= year <= 2100 and 1 <= day <= calendar.monthrange(year, month)[1]:
                found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
                break
    return min(found)[1] if found else None


def field_value(name: str, raw: str) -> str | None:
    """The value a lifted line contributes to field `name` (dates normalised, empty values dropped)."""
    if name in ("date", "modified"):
        return parse_date(raw)
    raw = raw.strip(" \t|,-–—·•")
    return raw or None


def collect_fields(doc: Document) -> None:
    """Fill `doc.metadata` from lifted lines: the first usable value of each field wins."""
    for line in doc.lines:
        d = line.decision
        if d is not None and d.action == "field" and d.field and d.value is not None:
            value = field_value(d.field, d.value)
            if value and not doc.metadata.get(d.field):
                doc.metadata[d.field] = value


def is_headline(line: Line, feats: Features) -> bool:
    """A line that reads like a headline: a few words with letters, no sentence punctuation at its
    end, no menu separators (a breadcrumb "News » World » Story" is not the headline), not a
    paragraph of the story (a lede opening with a place line, "LONDON (AP) — ...")."""
    return (3 <= feats.words <= 30 and not feats.linky and not _TITLE_END.search(line.text)
            and not line.text.startswith(("-", "•", "*")) and bool(LETTER.search(line.text))
            and not is_story_text(line.text))


def not_title(text: str) -> bool:
    """A byline, a handle or a time: what sits between a headline and its story."""
    return _NOT_TITLE.search(text) is not None


def guess_date(doc: Document, body_start: int) -> None:
    """When no rule lifted a date, take the first one found among the lines just before the
    article body (a dateline with more on it, "Nov 18, 2019 at 9:24 pm ET • 2 min read"); the
    lines stay where they are."""
    if any(ln.decision and ln.decision.field == "date" and field_value("date", ln.decision.value or "")
           for ln in doc.lines):
        return
    for line in doc.lines[max(0, body_start - DATELINE_LOOKBACK):body_start]:
        if len(WORD.findall(line.text)) > DATELINE_MAX_WORDS:  # a sentence or a caption, not a dateline
            continue
        date = parse_date(line.text)
        if date:
            doc.metadata.setdefault("date", date)
            return


def find_title(doc: Document, title: str | None) -> None:
    """Lift the title into the `title` field, and its copies in the body too (id `meta.title`): the
    page's own when its metadata gave one, else `title` (the text path's guess, `titles.best_title`)."""
    title = doc.metadata.get("title") or title
    if not title:
        return
    doc.metadata["title"] = title
    key = comparison_key(title)
    for line in doc.lines:
        if comparison_key(line.text) == key:
            line.lift("meta.title", "title", title)
