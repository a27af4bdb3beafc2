"""WARC files written by warcio for the tests: news pages of one site and records that are not pages."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

MENU = "Home | World | Business | Sport"
FOOTER = "Copyright Example News 2024. All rights reserved."


def page(i: int, title: str | None = None) -> bytes:
    """A news page of example.com: a menu and a footer on every page, an article of its own."""
    title = title or f"Bridge number {i} to be rebuilt after the survey"
    return (f"<html><head><title>{title}</title></head><body><nav><p>{MENU}</p></nav><article><h1>{title}</h1>"
            f"<p>The council met on day {i} and voted to rebuild bridge {i} after a survey found cracks in two of "
            f"its three arches, officials said on Monday.</p><p>Work on bridge {i} starts next spring and should "
            f"take two years, the mayor told reporters, adding that {i} ferries will run meanwhile.</p></article>"
            f"<footer><p>{FOOTER}</p></footer></body></html>").encode()


def response(writer: WARCWriter, url: str, body: bytes, content_type: str | None = "text/html; charset=utf-8",
             status: str = "200 OK", headers: list[tuple[str, str]] | None = None) -> None:
    http = [("Content-Type", content_type)] if content_type else []
    http += headers or []
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       http_headers=StatusAndHeaders(status, http, protocol="HTTP/1.1"))
    writer.write_record(record)


def write_warc(path: Path, pages: int = 4, others: bool = True, site: str = "example.com") -> Path:
    """A WARC of `pages` pages of `site` and, with `others`, a warcinfo, a request, an image, a
    redirect, a 404 and a revisit record (gzipped when `path` ends in .gz, each record a member)."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=path.name.endswith(".gz"))
        if others:
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for i in range(pages):
            url = f"http://{site}/news/{i}"
            if others and i == 1:
                request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
                    f"GET /news/{i} HTTP/1.1", [("Host", site)], is_http_request=True))
                writer.write_record(request)
            response(writer, url, page(i))
        if others:
            response(writer, f"http://{site}/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
            response(writer, f"http://{site}/old", b"", "text/html", "301 Moved Permanently", [("Location", "/new")])
            response(writer, f"http://{site}/gone", b"<html><body>Not found</body></html>", status="404 Not Found")
            revisit = writer.create_revisit_record(f"http://{site}/news/0", "sha1:AAAA", f"http://{site}/news/0",
                                                   "20240101000000")
            writer.write_record(revisit)
    return path


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)
