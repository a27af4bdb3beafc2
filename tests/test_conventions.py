"""Inputs read as what they are, options that do what they say, Unix conventions: JSON lines by
suffix, -o as a file or a folder, stdin, URLs, FIFOs, --max-bytes per JSON line, signals and exit
codes, workers that outlive their parent, --disable, keep rules, --skip-existing, and the review
and evaluation commands."""

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ARTICLE, BODY, ROOT, SEEDS
from conftest import run_cli as run

from cleaner import Cleaner, RuleError, cli
from cleaner.io import batch

CLEANER = [sys.executable, "-m", "cleaner"]


def jsonl(path: Path, *texts: str) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    return path


# ---- inputs read as what they are ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["docs.jsonl", "docs.ndjson", "docs.jsonl.gz"])
def test_json_lines_files_are_read_as_json_lines_by_their_suffix(tmp_path, name):
    """docs.jsonl was cleaned as one article (exit 0); .gz was 'binary data' with no hint."""
    src = tmp_path / name
    lines = json.dumps({"text": ARTICLE}) + "\n"
    src.write_bytes(gzip.compress(lines.encode()) if name.endswith(".gz") else lines.encode())
    res = run("clean", src)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["text"] == BODY


def test_a_compressed_file_read_as_a_document_hints_at_json_lines(tmp_path):
    src = tmp_path / "docs.json.gz"
    src.write_bytes(gzip.compress(json.dumps({"text": ARTICLE}).encode()))
    res = run("clean", src)
    assert res.exit_code == 1 and "binary data (gzip-compressed data)" in res.stderr and ".jsonl.gz" in res.stderr


def test_json_lines_and_documents_in_one_run_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    res = run("clean", jsonl(tmp_path / "d.jsonl", ARTICLE), tmp_path / "a.txt", "-o", tmp_path / "out")
    assert res.exit_code == 2 and "two runs" in res.output


def test_o_names_a_file_for_one_input_and_a_folder_otherwise(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE)
    assert run("clean", tmp_path / "a.txt", "-o", tmp_path / "one.txt").exit_code == 0
    assert (tmp_path / "one.txt").read_text() == BODY + "\n"  # a file, not a folder named one.txt
    assert run("clean", tmp_path / "a.txt", "-o", f"{tmp_path / 'dir'}/").exit_code == 0
    assert (tmp_path / "dir" / "a.txt").read_text() == BODY + "\n"
    res = run("clean", tmp_path / "a.txt", tmp_path / "b.txt", "-o", tmp_path / "two.txt")
    assert res.exit_code == 2 and "give a folder" in res.output and not (tmp_path / "two.txt").exists()


def test_stdin_is_read_when_no_input_is_given_and_it_is_not_a_terminal(monkeypatch):
    res = run("clean", input=ARTICLE)
    assert res.exit_code == 0 and res.stdout == BODY + "\n"
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)
    assert run("clean").exit_code == 2


def test_a_url_is_not_fetched_and_says_so(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    res = run("clean", "https://example.com/news/story.html", tmp_path / "a.txt", "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert "https://example.com/news/story.html: URLs are not fetched: download the page first" in res.stderr
    assert (tmp_path / "out" / "a.txt").is_file()


def test_a_file_of_whitespace_and_zero_width_spaces_is_empty_input(tmp_path):
    """It came out as a 0-byte 'cleaned' output, exit 0."""
    (tmp_path / "zw.txt").write_text("\u200b \u200b\n\ufeff\u2060\n\u200b\n")
    res = run("clean", tmp_path / "zw.txt", "-o", tmp_path / "out/")
    assert res.exit_code == 1 and "zw.txt: empty input" in res.stderr
    assert not (tmp_path / "out" / "zw.txt").exists()


def test_a_fifo_in_an_input_folder_is_skipped(tmp_path):
    """A FIFO in a folder blocked the batch forever."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    res = subprocess.run([*CLEANER, "clean", "in", "-o", "out"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt"]


def test_max_bytes_applies_to_each_json_line_as_it_is_read(tmp_path):
    """A .jsonl.gz of 8.7 MB holding one 2 GB line reached 5.9 GB: the line was read whole."""
    big = json.dumps({"text": "word " * 2_000_000})  # 10 MB of text, compressed to a few KB
    lines = "".join([json.dumps({"text": ARTICLE}) + "\n", big + "\n", json.dumps({"text": ARTICLE}) + "\n"])
    src = tmp_path / "docs.jsonl.gz"
    src.write_bytes(gzip.compress(lines.encode()))
    res = run("clean", src, "-o", tmp_path / "out.jsonl", "--max-bytes", "100000")
    assert res.exit_code == 1
    assert f"{src}:2: larger than --max-bytes 100000: skipped" in res.stderr
    assert [json.loads(ln)["text"] for ln in (tmp_path / "out.jsonl").read_text().splitlines()] == [BODY, BODY]


# ---- signals, exit codes, workers -------------------------------------------------------------------

def start_batch(tmp_path: Path, *options: str) -> subprocess.Popen:
    """A parallel batch reading names from stdin, started; returns once it has written an output."""
    names = []
    for i, seed in enumerate(SEEDS * 4):
        names.append(Path("in") / str(i) / seed.name)
        (tmp_path / names[-1]).parent.mkdir(parents=True)
        (tmp_path / names[-1]).write_bytes(seed.read_bytes())
    proc = subprocess.Popen([*CLEANER, "clean", "--files-from", "-", "-o", "out", "-q", "-j", "2", *options],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdin.write("".join(f"{name}\n" for name in names).encode())
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not list((tmp_path / "out").rglob("*.txt")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the pool has started
    return proc


def test_ctrl_c_exits_130(tmp_path):
    """Ctrl-C exited 1 ("Aborted!")."""
    proc = start_batch(tmp_path)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """After the parent was SIGKILLed its workers stayed alive holding stdout: a caller waiting
    for EOF hung."""
    proc = start_batch(tmp_path)
    proc.kill()
    proc.wait(timeout=10)
    proc.stdin.close()
    start = time.monotonic()
    assert proc.stdout.read() == b""  # EOF: every process holding the pipe is gone
    assert time.monotonic() - start < 30


def test_jobs_default_to_the_cpus_this_process_may_use(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert batch.available_cpus() == 1
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert batch.cgroup_cpu_quota(tmp_path) == 2
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert batch.cgroup_cpu_quota(tmp_path) is None
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(batch, "cgroup_cpu_quota", lambda: 2)
    assert batch.available_cpus() == 2


# ---- --disable, heuristics, keep rules ----------------------------------------------------------------

def test_disable_refuses_an_unknown_id_with_the_nearest_names():
    res = run("clean", "-", "--disable", "nav.subscrbe", input=ARTICLE)
    assert res.exit_code == 2 and "Usage:" not in res.stderr
    assert "--disable 'nav.subscrbe': no rule, group or heuristic has this id; did you mean nav.subscribe" in res.stderr
    with pytest.raises(RuleError, match="did you mean model"):
        Cleaner(disable=["modle"])


def test_heuristics_are_listed_and_can_be_switched_off_by_id():
    text = (ROOT / "seeds" / SEEDS[1].name).read_text(encoding="utf-8")
    by = {r["by"] for r in Cleaner().clean(text).removed}
    assert "meta.title" in by and any(b.startswith("model:") for b in by)
    result = Cleaner(disable=["meta.title", "model"]).clean(text)
    assert not any(r["by"] == "meta.title" or r["by"].startswith("model:") for r in result.removed)
    listing = run("rules", "list", "--disable", "model").output
    assert re.search(r"^model\s+heuristic\s+model\s+off\b", listing, re.M)
    assert re.search(r"^heuristic\.duplicate\s+heuristic\s+heuristic\s+on\b", listing, re.M)
    assert "state:          off (--disable)" in run("rules", "show", "meta.title", "--disable", "meta").output


def test_a_keep_rule_protects_its_lines(tmp_path):
    rule = tmp_path / "keep.toml"
    rule.write_text('[[rule]]\nid = "mine.keep-subscribe"\nkind = "keep"\ndescription = "d"\n'
                    "pattern = '''^subscribe now$'''\nmatch = [\"SUBSCRIBE NOW\"]\n", encoding="utf-8")
    assert "SUBSCRIBE NOW" not in Cleaner().clean(ARTICLE).text
    result = Cleaner(rules=[rule]).clean(ARTICLE)
    assert "SUBSCRIBE NOW" in result.text and BODY in result.text


# ---- --skip-existing ------------------------------------------------------------------------------

def test_skip_existing_does_not_reuse_outputs_of_other_rules_or_options(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, "--skip-existing").exit_code == 0
    res = run("clean", src, "-o", out, "--skip-existing")
    assert "0 cleaned, 1 skipped" in res.stderr
    res = run("clean", src, "-o", out, "--skip-existing", "--disable", "nav.subscribe")
    assert "were not made by this cleaner version with these rules and options" in res.stderr
    assert "1 cleaned, 0 skipped" in res.stderr
    res = run("clean", src, "-o", out, "--skip-existing", "--with-metadata")
    assert "1 cleaned, 0 skipped" in res.stderr


def test_skip_existing_with_json_lines_is_refused_not_ignored(tmp_path):
    res = run("clean", jsonl(tmp_path / "d.jsonl", ARTICLE), "-o", tmp_path / "o.jsonl", "--skip-existing")
    assert res.exit_code == 2 and "--skip-existing needs -o FOLDER" in res.output


# ---- rules test, eval, check, outputs -----------------------------------------------------------------

def test_rules_test_refuses_what_clean_refuses_and_clean_shows_no_usage_banner(tmp_path):
    slow = tmp_path / "slow.toml"
    slow.write_text('[[rule]]\nid = "x.slow"\nkind = "drop"\ndescription = "d"\n'
                    "pattern = '''(?<=^(?:\\w+\\s)*)subscribe\\b'''\nmatch = [\"Please subscribe\"]\n", encoding="utf-8")
    res = run("rules", "test", slow)
    assert res.exit_code == 1 and "rule 'x.slow': pattern too slow" in res.output
    res = run("clean", "-", "--rules", slow, input=ARTICLE)
    assert res.exit_code == 2 and "rule 'x.slow': pattern too slow" in res.stderr and "Usage:" not in res.output


def test_a_bad_pattern_is_reported_at_its_own_position(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x.bad"\nkind = "drop"\ndescription = "d"\npattern = "ab(c"\nmatch = ["abc"]\n')
    for res in (run("rules", "test", bad), run("clean", "-", "--rules", bad, input=ARTICLE)):
        assert "rule 'x.bad': bad pattern: missing ) at position 4" in res.output  # 9 counted the (?i: wrapper


def test_eval_exits_1_when_predictions_are_missing(tmp_path):
    (tmp_path / "truth").mkdir()
    (tmp_path / "pred").mkdir()
    for name in ("a", "b"):
        (tmp_path / "truth" / f"{name}.txt").write_text(BODY)
    (tmp_path / "pred" / "a.txt").write_text(BODY)
    res = run("eval", tmp_path / "pred", "--truth", tmp_path / "truth")
    assert res.exit_code == 1 and "no prediction for 1 of 2 documents" in res.stderr


def test_json_language_is_an_iso_639_1_code(tmp_path):
    assert json.loads(run("clean", "-", "--format", "json", input=ARTICLE).stdout)["language"] == "en"
    res = run("clean", jsonl(tmp_path / "d.jsonl", ARTICLE))
    assert json.loads(res.stdout)["cleaner"]["language"] == "en"


def test_with_metadata_front_matter_is_valid_yaml():
    text = ARTICLE.replace("Leaders agree to keep talking", "Talks: leaders agree #1, \"again\"\n\n27 November 2024")
    out = run("clean", "-", "--with-metadata", input=text).stdout
    header = out.split("---\n")[1]
    assert yaml.safe_load(header)["title"] == 'Talks: leaders agree #1, "again"'


def test_check_json_goldens_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE)
    monkeypatch.chdir(tmp_path)
    assert run("check", "in", "--golden", "gold", "--format", "json", "--update").exit_code == 0
    monkeypatch.chdir(src)
    res = run("check", ".", "--golden", tmp_path / "gold", "--format", "json")
    assert res.exit_code == 0, res.output


def test_no_color_is_honoured(monkeypatch):
    from click.testing import CliRunner

    def diff() -> str:  # color=True: the runner stands for a terminal, which gets colour in auto mode
        return CliRunner().invoke(cli.main, ["diff", "-"], input=ARTICLE, color=True).output

    assert "\x1b[" in diff()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in diff() and "nav.subscribe" in diff()


@pytest.mark.parametrize("step", ["CleanerStep(disable", "TemplatesStep("])
def test_the_readme_datatrove_examples_run_as_scripts(tmp_path, step):
    """Their workers import the script again; without `if __name__ == "__main__":` the run hung."""
    pytest.importorskip("datatrove")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [code] = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S)
              if "LocalPipelineExecutor" in block and step in block]
    (tmp_path / "example.py").write_text(code)
    (tmp_path / "in").mkdir()
    jsonl(tmp_path / "in" / "docs.jsonl", ARTICLE)
    res = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    [out] = (tmp_path / "out").iterdir()
    assert json.loads(gzip.decompress(out.read_bytes()))["text"] == BODY
