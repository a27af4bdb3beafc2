"""JSON lines in and out: one JSON object per line, cleaned text and metadata added.

Each input line is an object with the text in `text_field` (default ``text``). The output line is
the same object with the cleaned text in `output_field` (default: the text field itself, so the
text is replaced) and the cleaner's metadata under `metadata_field` (default ``cleaner``):
``title``, ``author``, ``date`` (and ``modified``, ``sitename``, ``url`` when found),
``language``, ``warnings`` and ``removed``, the number of lines each rule or heuristic id removed.
With `full`, ``removed`` is the list of removed lines and ``joins`` the repaired wraps, as in
``--format json``. A line that is not a JSON object with a string text (or longer than
`max_bytes`, nested too deeply, holding a number no JSON writer can write back such as ``1e999``)
is a failure reported with its line number, and no output line is written for it. A line holding
a lone surrogate escape (``"\\ud800"``) is written back with that escape.

Files ending in ``.gz`` are read and written with gzip, ``.zst`` with zstandard (the optional
``zstandard`` package); ``-`` is stdin or stdout. A line is read up to `max_bytes` and no
further, so a compressed file holding one huge line never fills memory.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .. import Cleaner, Result, render
from .batch import Outcome
from ..decide.language import code
from .outputs import STDIO
from .outputs import open_output as open_sink
from .read import is_empty
from ..decide.rules import RuleTimeout
from .stats import Counts, removal_counts
from ..decide.templates import host

SUFFIXES = tuple(name + packed for name in (".jsonl", ".ndjson") for packed in ("", ".gz", ".zst"))
SKIP_CHUNK = 1 << 20  # bytes read at a time while skipping the rest of a line longer than max_bytes


class CompressionError(Exception):
    """A compressed file whose compression cannot be read or written here."""


@dataclass(frozen=True)
class Fields:
    """The field names of the JSONL records, what the text field holds (`input_format`: "text",
    "markdown", "html", None to find out), what the output gets (with `markdown` the Markdown
    of the body, with its links when `links`) and the field holding a document's URL (its site,
    for templates)."""

    text: str = "text"
    id: str | None = None
    output: str | None = None  # None: the text field
    metadata: str = "cleaner"
    full: bool = False
    input_format: str | None = None
    markdown: bool = False
    links: bool = False
    url: str = "url"


@dataclass(frozen=True)
class Line:
    """One input line: where it comes from (file name and 1-based line number) and its text, or
    why the file could not be read on from there."""

    source: str
    number: int
    raw: str
    error: str | None = None


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise CompressionError(".zst files need the zstandard package: pip install 'cleaner[zstd]'") from None
    return zstandard


def _decompress(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if name.endswith(".zst"):
        return io.BufferedReader(_zstd().ZstdDecompressor().stream_reader(raw, read_across_frames=True))
    return raw


def _compress(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
    if name.endswith(".zst"):
        return _zstd().ZstdCompressor().stream_writer(raw, closefd=False)
    return raw


def read_lines(name: str, max_bytes: int | None = None) -> Iterator[Line]:
    """The non-blank lines of a JSONL file (or stdin), decompressed by suffix; invalid UTF-8 is
    replaced (such a line fails only if its JSON syntax is broken). A line longer than `max_bytes`
    is a `Line` that says so, read no further than that (the rest is skipped a chunk at a time).
    A file that cannot be read (missing, corrupt, truncated) ends with a `Line` that says why."""
    source = "<stdin>" if name == STDIO else name
    number = 0
    limit = -1 if max_bytes is None else max_bytes + 1
    try:
        with open(name, "rb") if name != STDIO else nullcontext(sys.stdin.buffer) as raw:
            stream = _decompress(raw, name)
            while data := stream.readline(limit):
                number += 1
                if max_bytes is not None and len(data) > max_bytes and not data.endswith(b"\n"):
                    while (rest := stream.readline(SKIP_CHUNK)) and not rest.endswith(b"\n"):
                        pass
                    yield Line(source, number, "", f"larger than --max-bytes {max_bytes}: skipped")
                    continue
                text = data.decode("utf-8", errors="replace")
                if text.strip():
                    yield Line(source, number, text)
    except Exception as e:  # noqa: BLE001  (OSError, EOFError, decompressors' own errors)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
        yield Line(source, number + 1, "", f"cannot read: {reason}")


@contextmanager
def open_output(name: str) -> Iterator[IO[str]]:
    """A text stream for the output lines: stdout, or a file (compressed by suffix) that appears
    only when the run completes, or a device or FIFO written to (see `outputs.open_output`)."""
    if name == STDIO:
        yield sys.stdout
        sys.stdout.flush()
        return
    if name.endswith(".zst"):
        _zstd()  # fail before any work when zstandard is missing
    with open_sink(name) as raw:
        compressed = _compress(raw, name)
        out = io.TextIOWrapper(compressed, encoding="utf-8", newline="\n", write_through=True)
        try:
            yield out
        except BaseException:
            with suppress(OSError, ValueError):
                out.detach()  # nothing is left in it to write when it is collected
            raise
        out.detach()  # flushes; `compressed` stays open
        if compressed is not raw:
            compressed.close()  # writes the gzip trailer or zstd frame end; `raw` stays open


def _parse(line: Line) -> dict[str, Any]:
    """The JSON object on `line`; ValueError says what is wrong with it."""
    try:
        obj = json.loads(line.raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"malformed JSON ({e.msg}, column {e.colno})") from None
    except RecursionError:
        raise ValueError("malformed JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise ValueError(f"not a JSON object but {type(obj).__name__}")
    return obj


def _text(obj: dict[str, Any], fields: Fields) -> str:
    """The text to clean; ValueError when the field is missing, not a string or empty."""
    if fields.text not in obj:
        raise ValueError(f"no {fields.text!r} field")
    text = obj[fields.text]
    if not isinstance(text, str):
        raise ValueError(f"field {fields.text!r} is {type(text).__name__}, not a string")
    if is_empty(text):
        raise ValueError(f"field {fields.text!r} is empty")
    return text


def document(line: Line, fields: Fields) -> tuple[dict[str, Any], str]:
    """The object on `line` and the text to clean; ValueError says what is wrong with them."""
    obj = _parse(line)
    return obj, _text(obj, fields)


def line_site(line: Line, obj: dict[str, Any], fields: Fields) -> tuple[str | None, str]:
    """The site of a line's document: the host of its URL field (`fields.url`), and the folder of
    its file (absolute) for when it has none."""
    return host(obj.get(fields.url)), os.path.abspath(Path(line.source).parent)


def line_crashed(line: Line, reason: str) -> Outcome:
    """The outcome of a line whose worker process died while cleaning it."""
    return Outcome(line.source, error=reason, line=line.number)


def clean_line(cleaner: Cleaner, line: Line, fields: Fields) -> Outcome:
    """Clean the text of one JSONL line (in a worker process). Never raises: a bad line, or a
    bug met on one document, fails that line only (named by its id too, with `fields.id`)."""
    if line.error is not None:
        return Outcome(line.source, error=line.error, line=line.number)
    obj: dict[str, Any] = {}
    try:
        obj = _parse(line)
        text = _text(obj, fields)
        site, fallback = line_site(line, obj, fields) if cleaner.templates is not None else (None, None)
        result = cleaner.clean(text, source=f"{line.source}:{line.number}", input_format=fields.input_format,
                               site=site, site_fallback=fallback)
    except (ValueError, RuleTimeout) as e:
        return Outcome(line.source, error=_with_id(str(e), obj, fields), line=line.number)
    except Exception as e:  # noqa: BLE001  (reported as this line's failure, with the cause)
        return Outcome(line.source, error=_with_id(f"internal error: {type(e).__name__}: {e}", obj, fields),
                       line=line.number)
    counts = removal_counts(result.document)
    obj[fields.output or fields.text] = output_text(result, fields)
    obj[fields.metadata] = metadata(result, fields, counts)
    try:
        output = render.json_text(obj)
    except ValueError:  # allow_nan=False: Python read 1e999 as infinity, NaN as nan
        reason = "a number out of range (such as 1e999), NaN or Infinity cannot be written back as JSON"
        return Outcome(line.source, error=_with_id(reason, obj, fields), line=line.number)
    except RecursionError:
        return Outcome(line.source, error=_with_id("malformed JSON (nested too deeply)", obj, fields), line=line.number)
    return Outcome(line.source, output + "\n", counts=counts, line=line.number)


def output_text(result: Result, fields: Fields) -> str:
    """The cleaned text of an output line: the body, or its Markdown with `fields.markdown`."""
    return render.markdown(result.document, fields.links) if fields.markdown else result.text


def metadata(result: Result, fields: Fields, counts: Counts) -> dict[str, Any]:
    """The cleaner's metadata of an output line: title, author, date (and the other fields found),
    language, warnings and the lines removed per id; with `fields.full`, the JSON record's removed
    lines and joins instead of the counts."""
    doc = result.document
    if fields.full:
        return {k: v for k, v in render.record(doc, result.text).items() if k not in ("source", "text")}
    return {**render.fields(doc), "language": code(doc.language), "warnings": list(doc.warnings),
            "removed": {k: n for k, (n, _) in sorted(counts.items())}}


def _with_id(reason: str, obj: dict[str, Any], fields: Fields) -> str:
    """`reason`, followed by the document's id when --id-field names one on this line."""
    if fields.id and fields.id in obj:
        try:
            return f"{reason} (id {render.json_text(obj[fields.id])})"
        except (ValueError, RecursionError):
            return reason
    return reason
