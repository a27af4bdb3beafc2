"""JSON lines in and out: fields, order, bad lines reported with their number, compression."""

import gzip
import json
from pathlib import Path

import pytest
from conftest import ARTICLE, BODY, SEEDS, run_cli

from cleaner import clean



def run(*args, input=None):
    return run_cli("clean", "--input-format", "jsonl", *args, input=input)


def records(n: int) -> list[dict]:
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    return [{"id": f"doc{i}", "text": texts[i % len(texts)], "lang": "en"} for i in range(n)]


def write_jsonl(path: Path, objs: list, opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as f:
        for obj in objs:
            f.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
    return path


def read_jsonl(path: Path, opener=open) -> list[dict]:
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_objects_come_back_with_cleaned_text_and_metadata(tmp_path):
    src = write_jsonl(tmp_path / "docs.jsonl", [{"id": "a", "text": ARTICLE, "url": "https://example.com/a"}])
    res = run(src, "-o", tmp_path / "out.jsonl", "--id-field", "id")
    assert res.exit_code == 0, res.output
    [out] = read_jsonl(tmp_path / "out.jsonl")
    assert out["id"] == "a" and out["url"] == "https://example.com/a"
    assert out["text"] == BODY
    assert out["cleaner"]["title"] == "Leaders agree to keep talking"
    removed = out["cleaner"]["removed"]
    assert (removed["meta.title"], removed["nav.subscribe"], sum(removed.values())) == (1, 1, 3)
    assert [by for by in removed if by.startswith("model:")]  # "Get in Touch", judged by the model


def test_field_names_are_configurable_and_json_format_gives_the_full_record(tmp_path):
    src = write_jsonl(tmp_path / "docs.jsonl", [{"body": ARTICLE}])
    res = run(src, "--text-field", "body", "--output-field", "clean", "--metadata-field", "meta", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["body"] == ARTICLE and out["clean"] == BODY
    assert {"text": "SUBSCRIBE NOW", "by": "nav.subscribe", "line": 1} in out["meta"]["removed"]


def test_bad_lines_are_reported_with_their_number_and_skipped(tmp_path):
    src = write_jsonl(tmp_path / "docs.jsonl", [
        {"id": 1, "text": ARTICLE}, "{not json", {"id": 3, "body": ARTICLE}, {"id": 4, "text": 4},
        "[1, 2]", {"id": 6, "text": ARTICLE}])
    res = run(src, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", "--id-field", "id")
    assert res.exit_code == 1
    assert [o["id"] for o in read_jsonl(tmp_path / "out.jsonl")] == [1, 6]
    assert "docs.jsonl:2: malformed JSON" in res.output
    assert "docs.jsonl:3: no 'text' field (id 3)" in res.output
    assert "docs.jsonl:4: field 'text' is int, not a string (id 4)" in res.output
    assert "docs.jsonl:5: not a JSON object" in res.output
    errors = read_jsonl(tmp_path / "errors.jsonl")
    assert [(e["path"], e["line"]) for e in errors] == [(str(src), n) for n in (2, 3, 4, 5)]


def test_order_is_kept_with_jobs_and_equals_jobs_1(tmp_path):
    src = write_jsonl(tmp_path / "docs.jsonl", records(40))
    for jobs in (1, 2):
        assert run(src, "-o", tmp_path / f"out{jobs}.jsonl", "--jobs", jobs).exit_code == 0
    out = read_jsonl(tmp_path / "out2.jsonl")
    assert [o["id"] for o in out] == [f"doc{i}" for i in range(40)]
    assert out == read_jsonl(tmp_path / "out1.jsonl")
    assert out[1]["text"] == clean(records(2)[1]["text"]).text


def test_gzip_round_trip(tmp_path):
    objs = records(5)
    plain = write_jsonl(tmp_path / "docs.jsonl", objs)
    packed = write_jsonl(tmp_path / "docs.jsonl.gz", objs, opener=gzip.open)
    assert run(plain, "-o", tmp_path / "plain.jsonl").exit_code == 0
    assert run(packed, "-o", tmp_path / "packed.jsonl.gz").exit_code == 0
    assert read_jsonl(tmp_path / "packed.jsonl.gz", opener=gzip.open) == read_jsonl(tmp_path / "plain.jsonl")


def test_zstd_round_trip(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    objs = records(3)
    plain = write_jsonl(tmp_path / "docs.jsonl", objs)
    packed = tmp_path / "docs.jsonl.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    assert run(plain, "-o", tmp_path / "plain.jsonl").exit_code == 0
    assert run(packed, "-o", tmp_path / "packed.jsonl.zst").exit_code == 0
    with open(tmp_path / "packed.jsonl.zst", "rb") as f:
        data = zstandard.ZstdDecompressor().stream_reader(f).read().decode("utf-8")
    assert [json.loads(line) for line in data.splitlines()] == read_jsonl(tmp_path / "plain.jsonl")


def test_truncated_gzip_keeps_what_was_read_and_fails(tmp_path):
    packed = write_jsonl(tmp_path / "docs.jsonl.gz", records(30), opener=gzip.open)
    data = packed.read_bytes()
    packed.write_bytes(data[: len(data) // 2])
    res = run(packed, "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 1 and "cannot read" in res.output
    assert 0 < len(read_jsonl(tmp_path / "out.jsonl")) < 30


def test_stdin_to_stdout():
    res = run("-", input=json.dumps({"text": ARTICLE}) + "\n")
    assert res.exit_code == 0
    assert json.loads(res.output)["text"] == BODY


def test_interrupted_output_leaves_no_file(tmp_path, monkeypatch):
    import cleaner.io.jsonl

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    src = write_jsonl(tmp_path / "docs.jsonl", records(3))
    monkeypatch.setattr(cleaner.io.jsonl, "clean_line", boom)
    monkeypatch.setattr("cleaner.cli.clean_line", boom)
    run(src, "-o", tmp_path / "out" / "cleaned.jsonl", "--jobs", "1")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failure_inside_the_cleaner_fails_that_line_only(tmp_path, monkeypatch):
    import cleaner

    real = cleaner.Cleaner.clean

    def flaky(self, data, *args, **kwargs):
        if "Friday" in data:
            raise RuntimeError("boom")
        return real(self, data, *args, **kwargs)

    monkeypatch.setattr(cleaner.Cleaner, "clean", flaky)
    src = write_jsonl(tmp_path / "docs.jsonl", [{"id": "a", "text": ARTICLE},
                                                {"id": "b", "text": ARTICLE.replace("Monday", "Friday")},
                                                {"id": "c", "text": ARTICLE}])
    res = run(src, "-o", tmp_path / "out.jsonl", "--id-field", "id", "--jobs", "1")
    assert res.exit_code == 1
    assert 'docs.jsonl:2: internal error: RuntimeError: boom (id "b")' in res.output
    assert [o["id"] for o in read_jsonl(tmp_path / "out.jsonl")] == ["a", "c"]
