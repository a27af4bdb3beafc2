"""JSON lines in and out: one JSON object per line, cleaned text and metadata added.

Each input line is an object with the text in `text_field` (default ``text``). The output line is
the same object with the cleaned text in `output_field` (default: the text field itself, so the
text is replaced) and the cleaner's metadata under `metadata_field` (default ``cleaner``):
``title``, ``author``, ``date`` (and ``modified``, ``sitename``, ``url`` when found),
``language``, ``warnings`` and ``removed``, the number of lines each rule or heuristic id removed.
With `full`, ``removed`` is the list of removed lines and ``joins`` the repaired wraps, as in
``--format json``. A line that is not a JSON object with a string text is a failure reported with
its line number, and no output line is written for it.

Files ending in ``.gz`` are read and written with gzip, ``.zst`` with zstandard (the optional
``zstandard`` package); ``-`` is stdin or stdout.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import Cleaner, render
from .batch import Outcome, atomic_file
from .stats import removal_counts

STDIO = "-"


class CompressionError(Exception):
    """A compressed file whose compression cannot be read or written here."""


@dataclass(frozen=True)
class Fields:
    """The field names of the JSONL records, what the text field holds (`input_format`: "text",
    "markdown", "html", None to find out) and what the output gets (with `markdown` the Markdown
    of the body, with its links when `links`)."""

    text: str = "text"
    id: str | None = None
    output: str | None = None  # None: the text field
    metadata: str = "cleaner"
    full: bool = False
    input_format: str | None = None
    markdown: bool = False
    links: bool = False


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
        return _zstd().ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    return raw


def _compress(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
    if name.endswith(".zst"):
        return _zstd().ZstdCompressor().stream_writer(raw, closefd=False)
    return raw


def read_lines(name: str) -> Iterator[Line]:
    """The non-blank lines of a JSONL file (or stdin), decompressed by suffix; invalid UTF-8 is
    replaced (such a line fails only if its JSON syntax is broken). A file that cannot be read
    (missing, corrupt, truncated) ends with a `Line` that says why."""
    source = "<stdin>" if name == STDIO else name
    number = 0
    try:
        with open(name, "rb") if name != STDIO else nullcontext(sys.stdin.buffer) as raw:
            stream = io.TextIOWrapper(_decompress(raw, name), encoding="utf-8", errors="replace", newline="\n")
            for number, text in enumerate(stream, 1):
                if text.strip():
                    yield Line(source, number, text)
            if name == STDIO:
                stream.detach()  # leave stdin open
    except Exception as e:  # noqa: BLE001  (OSError, EOFError, decompressors' own errors)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
        yield Line(source, number + 1, "", f"cannot read: {reason}")


@contextmanager
def open_output(name: str) -> Iterator[IO[str]]:
    """A text stream for the output lines: stdout, or a file (compressed by suffix) that appears
    only when the run completes (see `batch.atomic_file`)."""
    if name == STDIO:
        yield sys.stdout
        sys.stdout.flush()
        return
    if name.endswith(".zst"):
        _zstd()  # fail before any work when zstandard is missing
    with atomic_file(Path(name)) as raw:
        compressed = _compress(raw, name)
        out = io.TextIOWrapper(compressed, encoding="utf-8", newline="\n")
        yield out
        out.detach()  # flushes; `compressed` stays open
        if compressed is not raw:
            compressed.close()  # writes the gzip trailer or zstd frame end; `raw` stays open


def _parse(line: Line) -> dict[str, Any]:
    """The JSON object on `line`; ValueError says what is wrong with it."""
    try:
        obj = json.loads(line.raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"malformed JSON ({e.msg}, column {e.colno})") from None
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
    if not text.strip():
        raise ValueError(f"field {fields.text!r} is empty")
    return text


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
        result = cleaner.clean(text, source=f"{line.source}:{line.number}", input_format=fields.input_format)
    except ValueError as e:
        return Outcome(line.source, error=_with_id(str(e), obj, fields), line=line.number)
    except Exception as e:  # noqa: BLE001  (reported as this line's failure, with the cause)
        return Outcome(line.source, error=_with_id(f"internal error: {type(e).__name__}: {e}", obj, fields),
                       line=line.number)
    counts = removal_counts(result.document)
    doc = result.document
    if fields.full:
        meta = {k: v for k, v in render.record(doc, result.text).items() if k not in ("source", "text")}
    else:
        meta = {**render.fields(doc), "language": doc.language, "warnings": list(doc.warnings),
                "removed": {k: n for k, (n, _) in sorted(counts.items())}}
    obj[fields.output or fields.text] = render.markdown(doc, fields.links) if fields.markdown else result.text
    obj[fields.metadata] = meta
    return Outcome(line.source, json.dumps(obj, ensure_ascii=False) + "\n", counts=counts, line=line.number)


def _with_id(reason: str, obj: dict[str, Any], fields: Fields) -> str:
    """`reason`, followed by the document's id when --id-field names one on this line."""
    if fields.id and fields.id in obj:
        return f"{reason} (id {json.dumps(obj[fields.id], ensure_ascii=False)})"
    return reason
