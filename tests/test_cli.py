"""The command line: stdin, files, folders, -o, JSON, errors, version and help."""

import json
import re
import subprocess
import sys


from conftest import ARTICLE, BODY, run_cli as run

from cleaner import __version__





def test_stdin_to_stdout():
    res = run("clean", "-", input=ARTICLE)
    assert res.exit_code == 0
    assert res.output == BODY + "\n"


def test_stdin_json_record():
    res = run("clean", "-", "--format", "json", input=ARTICLE)
    rec = json.loads(res.output)
    assert rec["title"] == "Leaders agree to keep talking"
    assert rec["text"] == BODY
    assert {"text": "SUBSCRIBE NOW", "by": "nav.subscribe", "line": 1} in rec["removed"]


def test_with_metadata_header():
    res = run("clean", "-", "--with-metadata", input=ARTICLE)
    assert res.output.startswith("---\ntitle: Leaders agree to keep talking\n---\n")


def test_folder_to_outdir_keeps_structure(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE)
    (src / "sub" / "b.txt").write_text(ARTICLE)
    (src / "c.md").write_text(ARTICLE)
    (src / "skip.csv").write_text(ARTICLE)
    res = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    outs = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert outs == ["a.txt", "c.txt", "sub/b.txt"]
    assert (tmp_path / "out" / "sub" / "b.txt").read_text() == BODY + "\n"


def test_json_outputs(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    res = run("clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--format", "json")
    assert res.exit_code == 0
    rec = json.loads((tmp_path / "out" / "a.json").read_text())
    assert set(rec) >= {"source", "title", "author", "date", "text", "removed"}


def test_bad_input_is_reported_and_batch_goes_on(tmp_path, mixed_folder):
    res = run("clean", mixed_folder, "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert (tmp_path / "out" / "good.txt").exists()
    assert not (tmp_path / "out" / "empty.txt").exists()
    assert "empty.txt: empty input" in res.output
    assert "binary.txt: binary data" in res.output


def test_missing_file_is_reported(tmp_path):
    res = run("clean", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out"))
    assert res.exit_code == 1 and "nope.txt: no such file" in res.output


def test_several_inputs_without_outdir_is_a_usage_error(tmp_path):
    res = run("clean", "a.txt", "b.txt")
    assert res.exit_code == 2


def test_version_and_help():
    assert __version__ in run("--version").output
    for args in (["--help"], ["clean", "--help"]):
        res = run(*args)
        assert res.exit_code == 0 and "Usage:" in res.output


def test_console_script_runs():
    res = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and __version__ in res.stdout


def test_explain_marks_each_removed_line_with_its_id(tmp_path):
    res = run("clean", "-", "--explain", input=ARTICLE)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert any("nav.subscribe" in ln and "SUBSCRIBE NOW" in ln for ln in lines)
    assert any("meta.title" in ln and "Leaders agree to keep talking" in ln for ln in lines)
    (tmp_path / "a.txt").write_text(ARTICLE)
    res = run("clean", tmp_path / "a.txt", "-o", tmp_path / "out", "--format", "explain")
    explained = (tmp_path / "out" / "a.explain.txt").read_text()
    assert res.exit_code == 0 and re.search(r"^\d+ - model:[\w.-]+ +Get in Touch$", explained, re.M)


def test_explain_is_not_for_json_lines(tmp_path):
    assert run("clean", "-", "--explain", "--input-format", "jsonl", input="{}\n").exit_code == 2


def test_clean_does_not_import_the_review_and_evaluation_commands():
    """`cleaner clean` starts faster without them; naming a command still loads it."""
    import subprocess
    import sys

    code = ("import sys; from cleaner.cli import main\n"
            "try:\n    main(['clean', '-'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('cleaner.cli.review', 'cleaner.cli.evaluate') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], input="A line of text.\n", capture_output=True, text=True)
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr
    assert run("rules", "list").exit_code == 0


def test_stable_output_cleaned_again_comes_back_unchanged(tmp_path):
    from cleaner import Cleaner

    res = run("clean", "-", "--stable", input=ARTICLE)
    assert res.exit_code == 0 and res.output.rstrip("\n") == Cleaner(stable=True).clean(ARTICLE).text
    again = run("clean", "-", "--stable", input=res.output)
    assert again.output == res.output
