"""Markdown input and output under the command line's safety conventions (the merge of the
Markdown reader with output safety): .md outputs never overwrite .md inputs, folders are walked
for .md the safe way, --skip-existing trusts only outputs of the same format, links and input
format, JSON lines found by suffix take --markdown, and each JSON line has its --max-bytes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ARTICLE, BODY, input_folder, tree
from conftest import run_cli as run

from cleaner.io import resume
from cleaner.cli import _input_format

CLEANER = [sys.executable, "-m", "cleaner"]
PROSE = ("The council voted on Tuesday to rebuild the old bridge over the river, after a survey found "
         "cracks in two of its three arches and a third of the town crosses it every day.")
LINKED = ("The [budget committee](https://example.org/committee) said the work would start in May "
          "and take two years, with one lane open to traffic while it lasts.")
PAGE = f"  * [Home](/)\n  * [World](/world/)\n\n# Town to rebuild the old bridge\n\n{PROSE}\n\n{LINKED}\n"


def md_folder(tmp_path: Path, *names: str) -> Path:
    return input_folder(tmp_path, PAGE, "Tuesday", *names)


# ---- a Markdown output never overwrites a Markdown input -------------------------------------------

def test_markdown_output_over_its_md_input_is_refused(tmp_path, monkeypatch):
    """`cleaner clean page.md -o . --format markdown` would write ./page.md over its input."""
    src = md_folder(tmp_path, "page.md")
    before = tree(src)
    monkeypatch.chdir(src)
    res = run("clean", "page.md", "-o", ".", "--format", "markdown")
    assert res.exit_code == 2 and "would overwrite it" in res.stderr, res.output
    res = run("clean", "page.md", "-o", "page.md", "--format", "markdown")
    assert res.exit_code == 2 and "is the input page.md" in res.stderr, res.output
    assert tree(src) == before
    res = run("clean", "page.md", "-o", ".")  # text output: ./page.txt, the input untouched
    assert res.exit_code == 0, res.output
    assert (src / "page.txt").read_text(encoding="utf-8").startswith("The council voted on page.md to rebuild")
    assert (src / "page.md").read_bytes() == before["page.md"]


def test_markdown_outputs_into_the_input_folder_are_refused_or_fail_alone(tmp_path):
    src = md_folder(tmp_path, "a.md", "b.md")
    before = tree(src)
    res = run("clean", src, "-o", src, "--format", "markdown")
    assert res.exit_code == 2 and "is the input folder" in res.stderr
    res = run("clean", f"{src}/*.md", "-o", src, "--format", "markdown")  # a glob: each input is its own output
    assert res.exit_code == 1 and res.stderr.count("is this input: it would be overwritten") == 2, res.output
    assert tree(src) == before


def test_errors_file_named_md_inside_an_input_folder_is_refused(tmp_path):
    """A .md there would be read as an input by the next run: refused like a .txt."""
    src = md_folder(tmp_path, "a.md")
    res = run("clean", src, "-o", tmp_path / "out", "--errors", src / "failed.md")
    assert res.exit_code == 2 and "would be read as an input" in res.stderr
    assert not (src / "failed.md").exists()


# ---- folders of Markdown, walked the safe way --------------------------------------------------------

def test_a_folder_of_markdown_is_walked_for_regular_md_files_only(tmp_path):
    src = md_folder(tmp_path, "a.md", "b.markdown")
    (src / "sub").mkdir()
    (src / "sub" / "c.md").write_text(PAGE, encoding="utf-8")
    (src / "notes.csv").write_text(PROSE, encoding="utf-8")
    os.mkfifo(src / "pipe.md")  # read, it would block the batch forever
    for _ in range(2):  # the output folder inside the input folder is never read as input
        res = subprocess.run([*CLEANER, "clean", "in", "-o", "in/out", "--format", "markdown", "--links",
                              "--skip-existing"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
    assert sorted(tree(src / "out")) == [".cleaner-fingerprint", "a.md", "b.md", "sub/c.md"]
    a = (src / "out" / "a.md").read_text(encoding="utf-8")
    assert a.startswith("# Town to rebuild the old bridge\n\n") and "Home" not in a
    assert "[budget committee](https://example.org/committee)" in a


def test_a_txt_and_an_md_of_one_name_clash_on_every_run(tmp_path):
    """Folders now yield .md too: a.txt and a.md both write a.txt (a.md with --format markdown)."""
    src = md_folder(tmp_path, "a.md")
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    for fmt in ("text", "markdown", "markdown"):
        res = run("clean", src, "-o", tmp_path / "out", "--format", fmt, "--skip-existing", "--jobs", "1")
        assert res.exit_code == 1 and "would overwrite the output of" in res.stderr, res.output
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8").startswith("The council voted on a.md")  # first


# ---- --skip-existing trusts only outputs made with the same format, links and input format ------------

def test_skip_existing_fingerprint_includes_markdown_links_and_input_format(tmp_path):
    src = md_folder(tmp_path, "a.md")
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, "--format", "markdown", "--skip-existing").exit_code == 0
    assert "](https://" not in (out / "a.md").read_text(encoding="utf-8")
    assert "0 cleaned, 1 skipped" in run("clean", src, "-o", out, "--format", "markdown", "--skip-existing").stderr
    res = run("clean", src, "-o", out, "--format", "markdown", "--links", "--skip-existing")
    assert "were not made by this cleaner version with these rules and options" in res.stderr
    assert "1 cleaned, 0 skipped" in res.stderr  # a.md was up to date by its time, but without links
    assert "[budget committee](https://example.org/committee)" in (out / "a.md").read_text(encoding="utf-8")
    res = run("clean", src, "-o", out, "--format", "markdown", "--links", "--input-format", "text", "--skip-existing")
    assert "1 cleaned, 0 skipped" in res.stderr
    assert "](https://example.org/committee)" in (out / "a.md").read_text(encoding="utf-8")


def test_fingerprints_differ_by_every_option_that_shapes_a_markdown_output():
    from cleaner import Cleaner

    cleaner = Cleaner()
    base = dict(fmt="text", with_metadata=False, input_format=None, links=False)
    prints = {resume.fingerprint(cleaner, **{**base, **change}) for change in (
        {}, {"fmt": "markdown"}, {"fmt": "markdown", "links": True}, {"input_format": "markdown"},
        {"input_format": "text"})}
    assert len(prints) == 5


# ---- input format: JSON lines by suffix beside --input-format auto|text|markdown|html ------------------

def test_input_format_auto_finds_json_lines_by_suffix_and_said_formats_are_documents():
    assert _input_format("auto", ("a.jsonl.gz",), None) == ("jsonl", None)
    assert _input_format("auto", ("a.md", "b.txt"), None) == ("files", None)
    assert _input_format("markdown", ("notes.txt",), None) == ("files", "markdown")
    assert _input_format("jsonl", ("-",), None) == ("jsonl", None)


def test_json_lines_and_markdown_documents_in_one_run_is_a_usage_error(tmp_path):
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": PAGE}) + "\n")
    (tmp_path / "p.md").write_text(PAGE)
    res = run("clean", tmp_path / "d.jsonl", tmp_path / "p.md", "-o", tmp_path / "out")
    assert res.exit_code == 2 and "is JSON lines and" in res.output


def test_json_lines_by_suffix_with_markdown_max_bytes_per_line_and_language_codes(tmp_path):
    big = json.dumps({"id": "big", "text": PAGE + "word " * 50_000})
    src = tmp_path / "docs.ndjson"
    src.write_text(json.dumps({"id": "a", "text": PAGE}) + "\n" + big + "\n" + json.dumps({"id": "b", "text": ARTICLE})
                   + "\n", encoding="utf-8")
    res = run("clean", src, "--markdown", "--format", "markdown", "--links", "--max-bytes", "100000",
              "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1 and f"{src}:2: larger than --max-bytes 100000: skipped" in res.stderr
    records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["text"].startswith("# Town to rebuild the old bridge\n\n")
    assert "[budget committee](https://example.org/committee)" in records[0]["text"]
    assert [r["cleaner"]["language"] for r in records] == ["en", "en"]


def test_markdown_from_stdin_to_dash_and_language_code_in_the_record(tmp_path):
    res = run("clean", "-", "-o", "-", "--format", "json", input=PAGE)
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    assert record["language"] == "en" and record["title"] == "Town to rebuild the old bridge"
    assert "budget committee said" in record["text"] and "example.org" not in record["text"]
    res = run("clean", "-", "--format", "markdown", "--with-metadata", input=PAGE)
    assert res.stdout.startswith("---\ntitle: Town to rebuild the old bridge\n---\n# Town to rebuild")


def test_a_plain_text_input_told_markdown_keeps_its_body(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    res = run("clean", tmp_path / "a.txt", "--input-format", "markdown")
    assert res.exit_code == 0 and BODY.split()[:5] == res.stdout.split()[:5]


def test_markdown_in_utf16_or_utf32_with_a_bom_is_found_out_as_markdown(tmp_path):
    """read.decode reads UTF-16/32 by their BOM; detection sniffed the bytes as UTF-8 and saw plain text."""
    from cleaner.io import formats

    for codec in ("utf-16", "utf-32", "utf-8-sig"):
        assert formats.detect(PAGE.encode(codec), "page.txt") == "markdown", codec
        (tmp_path / "page.txt").write_bytes(PAGE.encode(codec))
        res = run("clean", tmp_path / "page.txt")
        assert res.exit_code == 0 and "budget committee said" in res.stdout and "](https" not in res.stdout, codec


def test_hostile_markdown_is_cleaned_in_bounded_time_and_keeps_its_words(tmp_path):
    """Markdown nested 100,000 quotes deep, and a fence never closed, through the command line."""
    import time

    deep = "> " * 100_000 + "deep words here\n\n" + PROSE + "\n"
    unclosed = PROSE + "\n\n```\n" + "code line\n" * 1000
    for name, text in (("deep.md", deep), ("fence.md", unclosed)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        start = time.monotonic()
        res = run("clean", tmp_path / name, "--format", "json")
        assert res.exit_code == 0, res.output
        assert time.monotonic() - start < 30, name
        record = json.loads(res.stdout)
        kept = record["text"] + " " + " ".join(r["text"] for r in record["removed"])
        assert PROSE in record["text"] and ("deep words here" in kept if name == "deep.md" else "code line" in kept)
