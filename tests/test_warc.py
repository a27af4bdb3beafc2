"""WARC input: pages cleaned into JSON lines with their URLs, other records counted, damage reported
with the file and the byte offset, the pages before it kept."""

import importlib.util
import json
import random
from collections import Counter

import pytest
from conftest import run_cli
from warcio.warcwriter import WARCWriter
from warcs import FOOTER, gzipped, page, response, write_warc

from cleaner import clean
from cleaner.io.warc import read_records

NOT_PAGES = {"HTTP error": 1, "not HTML or text": 1, "redirect": 1, "request record": 1, "revisit record": 1,
             "warcinfo record": 1}


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_warc_is_cleaned_into_one_json_line_per_page_with_its_url(tmp_path, name):
    src = write_warc(tmp_path / name)
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl", "--stats", tmp_path / "stats.json")
    assert res.exit_code == 0, res.output
    out = lines(tmp_path / "out.jsonl")
    assert [o["url"] for o in out] == [f"http://example.com/news/{i}" for i in range(4)]
    for i, o in enumerate(out):
        assert o["text"] == clean(page(i), input_format="html").text
        assert "rebuild bridge" in o["text"] and FOOTER not in o["text"]
        assert o["warc_record_id"].startswith("<urn:uuid:") and o["warc_date"].endswith("Z")
        assert o["cleaner"]["title"] == f"Bridge number {i} to be rebuilt after the survey"
        assert o["cleaner"]["language"] == "en"
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["documents"] == 4 and stats["warc_not_pages"] == NOT_PAGES
    assert "4 cleaned, 0 skipped, 0 failed" in res.output
    assert "6 WARC records not pages, skipped: 1 HTTP error, 1 not HTML or text, 1 redirect" in res.output


def test_jobs_keep_the_order_and_the_output(tmp_path):
    src = write_warc(tmp_path / "crawl.warc.gz", pages=12)
    for jobs in ("1", "2"):
        assert run_cli("clean", src, "-o", tmp_path / f"out{jobs}.jsonl", "--jobs", jobs).exit_code == 0
    assert (tmp_path / "out1.jsonl").read_text() == (tmp_path / "out2.jsonl").read_text()
    assert len(lines(tmp_path / "out2.jsonl")) == 12


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_truncated_warc_names_the_file_and_offset_and_keeps_the_pages_before(tmp_path, name):
    whole = write_warc(tmp_path / name, pages=4, others=False).read_bytes()
    cut = tmp_path / f"cut-{name}"
    cut.write_bytes(whole[:len(whole) - 100])
    res = run_cli("clean", cut, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl")
    assert res.exit_code == 1
    assert [o["url"] for o in lines(tmp_path / "out.jsonl")] == [f"http://example.com/news/{i}" for i in range(3)]
    [failure] = lines(tmp_path / "errors.jsonl")
    last = [r.offset for r in read_records(str(tmp_path / name), None, Counter())][-1]
    assert failure["offset"] == last > 0 and failure["path"] == str(cut)
    assert failure["reason"].startswith("truncated: ")
    assert f"cleaner: {cut}, record at byte {last}: truncated: " in res.output


def test_corrupt_gzip_data_is_an_error_at_its_member_and_the_pages_before_are_kept(tmp_path):
    src = write_warc(tmp_path / "crawl.warc.gz", pages=3, others=False)
    offsets = [r.offset for r in read_records(str(src), None, Counter())]
    data = bytearray(src.read_bytes())
    data[offsets[2] + 30:offsets[2] + 60] = bytes(30)  # inside the deflate data of the third member
    src.write_bytes(bytes(data))
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1
    assert len(lines(tmp_path / "out.jsonl")) == 2
    assert f"record at byte {offsets[2]}: corrupt gzip data in its member" in res.output


def test_bytes_between_records_and_a_wrong_content_length_are_corruption_at_their_offset(tmp_path):
    src = write_warc(tmp_path / "crawl.warc", pages=3, others=False)
    offsets = [r.offset for r in read_records(str(src), None, Counter())]
    data = src.read_bytes()
    src.write_bytes(data[:offsets[2]] + b"garbage\r\n\r\n" + data[offsets[2]:])
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1
    assert len(lines(tmp_path / "out.jsonl")) == 2
    assert f"record at byte {offsets[2]}: corrupt: not a WARC record (Invalid WARC record, first line: garbage)" \
        in res.output
    second = data[offsets[1]:offsets[2]]
    length = int(second.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    short = second.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length - 20), 1)
    src.write_bytes(data[:offsets[1]] + short + data[offsets[2]:])
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1
    assert len(lines(tmp_path / "out.jsonl")) == 2  # the second record's block reads whole, shorter
    assert f"record at byte {offsets[1]}: corrupt: the record is followed by bytes that are not a WARC record" \
        in res.output


def test_a_file_that_is_no_warc_is_one_line(tmp_path):
    src = tmp_path / "notes.warc"
    src.write_text("just some notes\n" * 20)
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1
    assert f"cleaner: {src}, record at byte 0: corrupt: not a WARC record" in res.output
    assert (tmp_path / "out.jsonl").read_text() == ""


def test_max_bytes_fails_one_record_and_reads_no_further(tmp_path):
    src = tmp_path / "crawl.warc.gz"
    with open(src, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        response(writer, "http://example.com/a", page(1))
        response(writer, "http://example.com/big", page(2)[:-14] + b"<p>" + b"word " * 20000 + b"</p></body></html>")
        response(writer, "http://example.com/c", page(3))
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl", "--max-bytes", "5000")
    assert res.exit_code == 1
    assert [o["url"] for o in lines(tmp_path / "out.jsonl")] == ["http://example.com/a", "http://example.com/c"]
    assert "(http://example.com/big): larger than --max-bytes 5000: skipped" in res.output


def test_payload_encodings_and_the_http_charset_are_read(tmp_path):
    src = tmp_path / "crawl.warc.gz"
    accented = page(1, "Le café de la gare rouvre ses portes au public").replace(b"<html>", b"<html lang=fr>")
    with open(src, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        response(writer, "http://example.com/gz", gzipped(page(0)), headers=[("Content-Encoding", "gzip")])
        body = gzipped(page(2))
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100]) for i in range(0, len(body), 100))
        response(writer, "http://example.com/chunked", chunked + b"0\r\n\r\n",
                 headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])
        response(writer, "http://example.com/latin", accented.decode().encode("cp1252"),
                 "text/html; charset=windows-1252")
        response(writer, "http://example.com/untyped", page(3), content_type=None)
        response(writer, "http://example.com/notes.txt", b"Plain notes about the bridge works.\n", "text/plain")
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 0, res.output
    out = {o["url"].rsplit("/", 1)[1]: o for o in lines(tmp_path / "out.jsonl")}
    assert out["gz"]["text"] == clean(page(0), input_format="html").text
    assert out["chunked"]["text"] == clean(page(2), input_format="html").text
    assert out["latin"]["cleaner"]["title"] == "Le café de la gare rouvre ses portes au public"
    assert out["untyped"]["text"] == clean(page(3), input_format="html").text
    assert out["notes.txt"]["text"] == "Plain notes about the bridge works."


def test_a_broken_content_encoding_fails_that_record_only(tmp_path):
    src = tmp_path / "crawl.warc.gz"
    rng = random.Random(1)
    words = " ".join("".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(30000))
    broken = bytearray(gzipped(page(1).replace(b"</article>", words.encode() + b"</article>")))
    assert len(broken) > 40000
    broken[30000:30100] = bytes(100)  # past warcio's first block, where it would take gzip for plain bytes
    with open(src, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        response(writer, "http://example.com/broken", bytes(broken), headers=[("Content-Encoding", "gzip")])
        response(writer, "http://example.com/brotli", page(2), headers=[("Content-Encoding", "br-unknown")])
        response(writer, "http://example.com/fine", page(3))
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl", "--jobs", "1")
    assert res.exit_code == 1
    assert [o["url"] for o in lines(tmp_path / "out.jsonl")] == ["http://example.com/fine"]
    assert "(http://example.com/broken): corrupt gzip content encoding" in res.output
    assert "(http://example.com/brotli): content encoding 'br-unknown' cannot be decoded" in res.output


def test_input_format_warc_reads_any_name_and_misuse_is_a_usage_error(tmp_path):
    src = write_warc(tmp_path / "crawl.warc.gz", pages=3)
    renamed = tmp_path / "crawl.dat"
    renamed.write_bytes(src.read_bytes())
    res = run_cli("clean", renamed, "--input-format", "warc")
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == 3
    (tmp_path / "a.txt").write_text("text")
    assert run_cli("clean", src, tmp_path / "a.txt", "-o", tmp_path / "o.jsonl").exit_code == 2
    assert run_cli("clean", "-", "--input-format", "warc", input=src.read_bytes()).exit_code == 2
    assert run_cli("clean", src, "--format", "explain").exit_code == 2
    res = run_cli("clean", src, "-o", src)
    assert res.exit_code == 2 and "is an input" in res.output


def test_without_warcio_a_warc_run_is_refused_saying_what_to_install(tmp_path, monkeypatch):
    src = write_warc(tmp_path / "crawl.warc.gz", pages=1)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "warcio" else real(name, *a))
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 2
    assert "WARC input needs the warcio package: pip install 'cleaner[warc]'" in res.output
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_file_and_a_folder_are_one_line_each(tmp_path):
    res = run_cli("clean", tmp_path / "nothing.warc.gz", "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1 and "nothing.warc.gz, record at byte 0: no such file" in res.output


def _clean_or_die(cleaner, record, **kwargs):
    import os

    from cleaner.io.warc import clean_record

    if record.url.endswith("/poison"):
        os._exit(1)  # a crash that kills the worker process
    return clean_record(cleaner, record, **kwargs)


def test_a_record_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    import cleaner.cli

    monkeypatch.setattr(cleaner.cli, "clean_record", _clean_or_die)
    src = tmp_path / "crawl.warc.gz"
    with open(src, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(8):
            response(writer, f"http://example.com/{'poison' if i == 5 else i}", page(i))
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl", "--jobs", "2")
    assert res.exit_code == 1
    assert "(http://example.com/poison): a worker process died" in res.output
    assert len(lines(tmp_path / "out.jsonl")) == 7


def test_sigterm_leaves_no_output_and_no_temporary_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    write_warc(tmp_path / "crawl.warc.gz", pages=2000)
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", "crawl.warc.gz", "-o", "out.jsonl", "-q",
                             "-j", "2"], cwd=tmp_path, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the output is being written
    assert proc.poll() is None, "the batch ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM, proc.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.warc.gz"]


def test_a_page_record_has_the_page_s_title_author_and_date(tmp_path):
    """The HTML path reads a page's metadata only when the output shows it: a WARC record always does."""
    from pathlib import Path

    src = tmp_path / "crawl.warc"
    body = (Path(__file__).parent / "html" / "byline.html").read_bytes()
    with open(src, "wb") as f:
        response(WARCWriter(f, gzip=False), "http://valley.example/apples", body)
    res = run_cli("clean", src, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 0, res.output
    [record] = lines(tmp_path / "out.jsonl")
    meta = record["cleaner"]
    assert (meta["title"], meta["author"], meta["date"]) == (
        "Orchard growers expect a record apple harvest", "Maria Lindqvist", "2024-09-14")
