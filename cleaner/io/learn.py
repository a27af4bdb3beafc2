"""The first pass of a batch that learns its sites' templates: each document's lines, counted per site.

Workers build each document with the same front door and the same site as the cleaning pass
(`Cleaner.build`, `templates.site_of`) and send back its distinct lines as hashes (`PageLines`,
in `Outcome.page`); the parent process counts them into one `Templates` (`count`). A document
that cannot be read fails here as it will in the cleaning pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from .. import Cleaner
from .batch import Input, InputError, Outcome, decode_input, map_ordered, read_input
from .jsonl import Fields, Line, document, line_crashed, line_site
from ..decide.templates import Templates, file_site, host, page_lines, site_of
from .warc import Record, decode_record, record_crashed, record_source


def _lines(cleaner: Cleaner, data: str, source: str, input_format: str | None, site: str | None,
           fallback: str | None) -> Outcome:
    """The outcome holding the lines of one document (none when it has no site)."""
    doc, _ = cleaner.build(data, source, input_format)
    name = site_of(doc, site, fallback)
    return Outcome(source, page=page_lines(doc, name) if name is not None else None)


def _failed(name: str, e: Exception, **where: Any) -> Outcome:
    reason = str(e) if isinstance(e, (InputError, ValueError)) else f"internal error: {type(e).__name__}: {e}"
    return Outcome(name, error=reason, **where)


def count_file(cleaner: Cleaner, item: Input, input_format: str | None, max_bytes: int | None) -> Outcome:
    """The lines of one file (a worker's part of the first pass)."""
    try:
        text, fmt = decode_input(item, read_input(item, max_bytes), input_format)
        site, fallback = file_site(item.path) if item.path is not None else (None, None)
        return _lines(cleaner, text, item.name, fmt, site, fallback)
    except Exception as e:  # noqa: BLE001  (reported as this document's failure)
        return _failed(item.name, e)


def count_line(cleaner: Cleaner, line: Line, fields: Fields) -> Outcome:
    """The lines of the document on one JSON line."""
    if line.error is not None:
        return Outcome(line.source, error=line.error, line=line.number)
    try:
        obj, text = document(line, fields)
        site, fallback = line_site(line, obj, fields)
        outcome = _lines(cleaner, text, f"{line.source}:{line.number}", fields.input_format, site, fallback)
    except Exception as e:  # noqa: BLE001
        return _failed(line.source, e, line=line.number)
    outcome.name, outcome.line = line.source, line.number
    return outcome


def count_record(cleaner: Cleaner, record: Record) -> Outcome:
    """The lines of the page in one WARC record."""
    where = {"offset": record.offset, "url": record.url}
    if record.error is not None:
        return Outcome(record.source, error=record.error, **where)
    try:
        outcome = _lines(cleaner, decode_record(record), record_source(record), record.input_format,
                         host(record.url), None)
    except Exception as e:  # noqa: BLE001
        return _failed(record.source, e, **where)
    outcome.name = record.source
    return outcome


def counter(kind: str, input_format: str | None, fields: Fields,
            max_bytes: int | None) -> tuple[Callable[[Cleaner, Any], Outcome], Callable[[Any, str], Outcome]]:
    """The worker function of the first pass for inputs of `kind` ("files", "jsonl", "warc"), and
    the outcome of an input whose worker died."""
    if kind == "jsonl":
        return partial(count_line, fields=fields), line_crashed
    if kind == "warc":
        return count_record, record_crashed
    return partial(count_file, input_format=input_format, max_bytes=max_bytes), \
        lambda item, reason: Outcome(item.name, error=reason)


def count(cleaner: Cleaner, items: Iterable[Any], work: Callable[[Cleaner, Any], Outcome],
          crashed: Callable[[Any, str], Outcome], jobs: int, templates: Templates) -> Iterator[Outcome]:
    """Count the lines of `items` into `templates` (in `jobs` worker processes, merged here), and
    yield each document's outcome, for reporting."""
    for outcome in map_ordered(work, items, cleaner, jobs, crashed):
        if outcome.page is not None:
            templates.add(outcome.page)
            outcome.page = None
        yield outcome
