"""WARC input: the pages of a web archive's response records, each cleaned into one JSON line.

Records are read one at a time with warcio (``pip install 'cleaner[warc]'``): a response record
whose HTTP status is 2xx and whose Content-Type is HTML (``text/html``, ``application/xhtml+xml``)
or text (``text/plain``, ``text/markdown``) is a page; its payload is de-chunked and decompressed
(Content-Encoding gzip, deflate), read up to `max_bytes` and no further, and sent to be cleaned
with its URL (WARC-Target-URI), date (WARC-Date), record id and the charset of its Content-Type
(a hint for decoding HTML). Every other record (request, metadata, revisit, warcinfo; a
redirect, an HTTP error, an image) is counted by kind and skipped.

A gzipped WARC is decompressed here member by member (each record is normally its own member),
so a record's offset is the byte in the file where its member starts, as in a CDX index, and a
corrupt or truncated member is an error naming that offset. warcio itself tolerates damage (a
record cut short is returned short, a broken gzip member ends the file silently); here a record
shorter than its Content-Length, a header that does not parse, or bytes between records that are
not a record end the file with a `Record` whose `error` says what and where: the records before
it are cleaned. No function here prints anything.
"""

from __future__ import annotations

import importlib.util
import io
import os
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from .. import Cleaner, render
from .batch import InputError, Outcome, too_big
from .jsonl import Fields, metadata, output_text
from .read import NotText, binary_kind, decode, decode_html, is_empty, is_html
from ..decide.rules import RuleTimeout
from .stats import removal_counts
from ..decide.templates import host

SUFFIXES = (".warc", ".warc.gz")
CHUNK = 1 << 16  # compressed bytes read at a time
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = {"text/plain": None, "text/markdown": "markdown", "text/x-markdown": "markdown"}  # None: found out
_MEMBERS_KEPT = 4096  # recent gzip member starts kept to map a decompressed offset to the file


class WarcError(Exception):
    """The WARC cannot be read on from byte `offset`; the message says why."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset


class MissingWarcio(Exception):
    """warcio is not installed."""


def require_warcio() -> None:
    """MissingWarcio, saying how to install it, when warcio is not installed."""
    if importlib.util.find_spec("warcio") is None:
        raise MissingWarcio("WARC input needs the warcio package: pip install 'cleaner[warc]'")


@dataclass(frozen=True)
class Record:
    """A page of a WARC (or why the file cannot be read on: `error`): the file it is in, its
    `offset` there, its headers, its payload and what that is (`input_format`: "html",
    "markdown", or None to find out), and the charset its Content-Type names."""

    source: str
    offset: int
    url: str | None = None
    date: str | None = None
    record_id: str | None = None
    payload: bytes = b""
    input_format: str | None = None
    charset: str | None = None
    error: str | None = None


class _Members(io.RawIOBase):
    """The decompressed bytes of a gzip file of one or more members, read one member at a time,
    remembering where in the file each recent member starts. A corrupt member, or a file that ends
    inside one, is a WarcError naming the byte where that member starts."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.pending = b""  # compressed bytes read but not yet decompressed
        self.position = 0  # the file offset of pending[0]
        self.produced = 0  # decompressed bytes so far
        self.member: Any = None  # the decompressor of the member being read
        self.member_start = 0
        self.starts: deque[tuple[int, int]] = deque(maxlen=_MEMBERS_KEPT)  # (decompressed offset, file offset)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self.member is None:
                if not self.pending:
                    self.pending = self.raw.read(CHUNK)
                    if not self.pending:
                        return 0
                if not self.pending.startswith(b"\x1f\x8b"[:len(self.pending)]):
                    raise WarcError(self.position, "corrupt: bytes that are not gzip data")
                self.member, self.member_start = zlib.decompressobj(16 + zlib.MAX_WBITS), self.position
                self.starts.append((self.produced, self.position))
            if not self.pending:
                self.pending = self.raw.read(CHUNK)
            try:
                data = self.member.decompress(self.pending, len(buffer))
            except zlib.error as e:
                raise WarcError(self.member_start, f"corrupt gzip data in its member ({e})") from None
            rest = self.member.unused_data if self.member.eof else self.member.unconsumed_tail
            self.position += len(self.pending) - len(rest)
            exhausted = not self.pending
            self.pending = rest
            if self.member.eof:
                self.member = None
            elif exhausted and not data:
                raise WarcError(self.member_start, "truncated: the file ends inside its gzip member")
            if data:
                buffer[:len(data)] = data
                self.produced += len(data)
                return len(data)

    def file_offset(self, offset: int) -> int:
        """The file offset of the member holding decompressed byte `offset`."""
        return next((start for produced, start in reversed(self.starts) if produced <= offset), 0)


def _strict(base: type) -> type:
    """`base` (a warcio reader) raising WarcError for a payload whose compression breaks after its
    first block, where warcio would print the error and return nothing."""

    class Strict(base):  # type: ignore[misc, valid-type]
        def _decompress(self, data: bytes) -> bytes:
            if self.decompressor and data and self.num_block_read:
                try:
                    return self.decompressor.decompress(data)
                except zlib.error as e:
                    raise InputError(f"corrupt {self.decomp_type} content encoding ({e})") from None
            return super()._decompress(data)

    return Strict


def _payload(record: Any, max_bytes: int | None) -> bytes:
    """The record's payload, de-chunked and decompressed; InputError when it is larger than
    `max_bytes` (read no further) or its encoding is broken or unknown."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    headers = record.http_headers
    encoding = (headers.get_header("content-encoding") or "").strip().lower() or None
    if encoding in ("identity", None):
        encoding = None
    elif encoding not in BufferedReader.get_supported_decompressors():
        raise InputError(f"content encoding {encoding!r} cannot be decoded")
    chunked = (headers.get_header("transfer-encoding") or "").strip().lower() == "chunked"
    if chunked:
        stream = _strict(ChunkedDataReader)(record.raw_stream, decomp_type=encoding)
    elif encoding:
        stream = _strict(BufferedReader)(record.raw_stream, decomp_type=encoding)
    else:
        stream = record.raw_stream
    limit = -1 if max_bytes is None else max_bytes + 1
    return too_big(stream.read(limit) if limit >= 0 else stream.read(), max_bytes)


def _kind(record: Any) -> tuple[str | None, str | None, str | None]:
    """Why a record is not a page (None when it is one), and a page's format and charset."""
    if record.rec_type != "response":
        return f"{record.rec_type} record", None, None
    headers = record.http_headers
    if headers is None or not headers.protocol.upper().startswith("HTTP/"):
        return "response without HTTP", None, None
    status = headers.get_statuscode() or ""
    if status.startswith("3"):
        return "redirect", None, None
    if status[:1] in ("4", "5"):
        return "HTTP error", None, None
    if not status.startswith("2") or status == "204":
        return "no content", None, None
    mime, _, params = (headers.get_header("content-type") or "").partition(";")
    mime = mime.strip().lower()
    charset = next((v.strip().strip("\"'") for k, _, v in (p.partition("=") for p in params.split(";"))
                    if k.strip().lower() == "charset"), None)
    if mime in HTML_TYPES:
        return None, "html", charset
    if mime in TEXT_TYPES:
        return None, TEXT_TYPES[mime], charset
    if not mime:
        return None, "", charset  # found out from the payload
    return "not HTML or text", None, None


def read_records(name: str, max_bytes: int | None, skipped: Counter[str]) -> Iterator[Record]:
    """The pages of WARC file `name`, in order; the records that are not pages are counted in
    `skipped` by kind. A page larger than `max_bytes`, or whose payload cannot be decoded, is a
    `Record` with an `error`; a file that cannot be read on ends with one (see the module docstring)."""
    offset = 0
    try:
        with open(name, "rb") as raw:
            members = _Members(raw) if raw.peek(2)[:2] == b"\x1f\x8b" else None
            records = _quiet_iterator(members if members is not None else raw)
            where = members.file_offset if members is not None else (lambda at: at)
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    end = members.produced if members is not None else os.fstat(raw.fileno()).st_size
                    if records.offset < end:  # warcio ends quietly at a header cut short
                        raise WarcError(where(records.offset), "truncated: the record ends inside its headers") from None
                    return
                except WarcError:
                    raise
                except Exception as e:  # noqa: BLE001  (warcio's parse errors: ArchiveLoadFailed, ValueError, ...)
                    raise WarcError(where(records.offset), f"corrupt: not a WARC record ({_first_line(e)})") from None
                offset = where(records.offset)
                page = _page(record, name, offset, max_bytes, skipped)
                errors, failure = records.err_count, None
                try:
                    records.read_to_end()  # reads the first line of the next record too
                except WarcError as e:
                    failure = e
                if record.raw_stream.limit > 0:
                    raise failure or WarcError(offset, "truncated: the record ends before its Content-Length")
                if page is not None:
                    yield page
                if failure is not None:
                    raise failure
                if records.err_count > errors:
                    raise WarcError(offset, "corrupt: the record is followed by bytes that are not a WARC record "
                                    "(a wrong Content-Length, or bytes between records)")
    except WarcError as e:
        yield Record(name, e.offset, error=str(e))
    except FileNotFoundError:
        yield Record(name, 0, error="no such file (or a broken link)")
    except PermissionError:
        yield Record(name, 0, error="permission denied")
    except IsADirectoryError:
        yield Record(name, 0, error="is a directory")
    except OSError as e:
        yield Record(name, offset, error=f"cannot read: {e.strerror or e}")


def _quiet_iterator(stream: IO[bytes]) -> Any:
    """warcio's record iterator over `stream`, without the warning it prints on stderr for bytes
    between records (its `err_count` still counts them)."""
    from warcio.archiveiterator import ArchiveIterator

    class Quiet(ArchiveIterator):
        INC_RECORD = ""

    return Quiet(stream, arc2warc=False)


def _first_line(e: Exception) -> str:
    return next((ln.strip() for ln in str(e).splitlines() if ln.strip()), type(e).__name__)[:200]


def _page(record: Any, name: str, offset: int, max_bytes: int | None, skipped: Counter[str]) -> Record | None:
    """The page of one record (None, counted in `skipped`, when it is no page)."""
    if record.format != "warc" or record.length is None:
        raise WarcError(offset, "corrupt: not a WARC record (no WARC-Type or Content-Length)")
    why, fmt, charset = _kind(record)
    if why is not None:
        skipped[why] += 1
        return None
    headers = record.rec_headers
    base = Record(name, offset, headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"),
                  headers.get_header("WARC-Record-ID"))
    try:
        payload = _payload(record, max_bytes)
    except InputError as e:
        return Record(**{**base.__dict__, "error": str(e)})
    if fmt == "":  # no Content-Type: HTML when it reads as HTML; else text unless binary
        fmt = "html" if is_html(payload) else None if binary_kind(payload[:8192]) is None else "binary"
    if fmt == "binary" or not payload.strip():
        skipped["not HTML or text" if payload.strip() else "empty"] += 1
        return None
    return Record(**{**base.__dict__, "payload": payload, "input_format": fmt, "charset": charset})


def record_crashed(record: Record, reason: str) -> Outcome:
    """The outcome of a record whose worker process died while cleaning it."""
    return Outcome(record.source, error=reason, offset=record.offset, url=record.url)


def record_source(record: Record) -> str:
    """The name of a page in its record: its URL (whose suffix may say what a text/plain page is),
    else the file and offset."""
    return record.url or f"{record.source}@{record.offset}"


def decode_record(record: Record) -> str:
    """The text of a page; InputError when it is not text or empty."""
    try:
        text = decode_html(record.payload, record.charset) if record.input_format == "html" else decode(record.payload)
    except NotText as e:
        raise InputError(str(e)) from None
    if is_empty(text):
        raise InputError("empty input (no text)")
    return text


def clean_record(cleaner: Cleaner, record: Record, fields: Fields) -> Outcome:
    """Clean one page into a JSON line: url, warc_date, warc_record_id, the cleaned text (in
    `fields.output`, else `fields.text`) and the cleaner's metadata (in `fields.metadata`, as JSON
    lines output has it). Never raises: a bad page, or a bug met on it, fails that page only."""
    where = {"offset": record.offset, "url": record.url}
    if record.error is not None:
        return Outcome(record.source, error=record.error, **where)
    try:
        text = decode_record(record)
        result = cleaner.clean(text, source=record_source(record), input_format=record.input_format,
                               site=host(record.url))
    except (InputError, RuleTimeout) as e:
        return Outcome(record.source, error=str(e), **where)
    except Exception as e:  # noqa: BLE001  (reported as this record's failure, with the cause)
        return Outcome(record.source, error=f"internal error: {type(e).__name__}: {e}", **where)
    counts = removal_counts(result.document)
    obj = {"url": record.url, "warc_date": record.date, "warc_record_id": record.record_id,
           fields.output or fields.text: output_text(result, fields),
           fields.metadata: metadata(result, fields, counts)}
    return Outcome(record.source, render.json_text(obj) + "\n", counts=counts, **where)
