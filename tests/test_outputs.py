"""Nothing overwritten, nothing lost: outputs never replace inputs, devices or links, never leave -o,
get the modes new files get; and one bad record or file name never sinks the batch."""

import errno
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from conftest import ARTICLE, BODY, input_folder, tree
from conftest import run_cli as run

from cleaner import clean
from cleaner.io import outputs


def folder(tmp_path: Path, *names: str) -> Path:
    return input_folder(tmp_path, ARTICLE, "Monday", *names)


# ---- an output is never an input -----------------------------------------------------------------

def test_the_input_folder_as_output_folder_is_refused(tmp_path):
    """`cleaner clean same -o same` replaced every input with its cleaned text, exit 0."""
    src = folder(tmp_path, "a.txt", "b.txt")
    before = tree(src)
    res = run("clean", src, "-o", src)
    assert res.exit_code == 2 and "is the input folder" in res.stderr and "Usage:" not in res.stderr
    assert tree(src) == before


def test_an_output_that_would_overwrite_its_named_input_is_refused(tmp_path, monkeypatch):
    folder(tmp_path, "a.txt")
    monkeypatch.chdir(tmp_path / "in")
    res = run("clean", "a.txt", "-o", ".")
    assert res.exit_code == 2 and "would overwrite it" in res.stderr
    assert Path("a.txt").read_text() == ARTICLE.replace("Monday", "a.txt")


def test_json_lines_output_naming_the_input_is_refused(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": ARTICLE}) + "\n")
    res = run("clean", "--input-format", "jsonl", src, "-o", src)
    assert res.exit_code == 2 and "is an input" in res.stderr
    assert json.loads(src.read_text()) == {"text": ARTICLE}


def test_errors_file_that_is_an_input_is_refused_before_it_is_truncated(tmp_path):
    src = folder(tmp_path, "a.txt", "b.txt")
    res = run("clean", src, "-o", tmp_path / "out", "--errors", src / "b.txt")
    assert res.exit_code == 2 and "would be read as an input" in res.stderr
    assert (src / "b.txt").read_text() == ARTICLE.replace("Monday", "b.txt")
    assert not (tmp_path / "out").exists()


# ---- streams are streamed to, links are not replaced ----------------------------------------------

def device(tmp_path: Path, name: str, minor: int) -> Path:
    """A private copy of /dev/null (minor 3) or /dev/full (7): a test that regresses replaces it,
    never the machine's own (as root, the rename replaced /dev/null itself)."""
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(path, "rb"):
            pass
    except OSError:  # not root, or devices disallowed here
        pytest.skip("cannot make a device node")
    return path


def test_a_device_is_written_to_not_replaced(tmp_path):
    """As root, `-o /dev/null` turned /dev/null into a regular file (temporary file + rename)."""
    null = device(tmp_path, "null", 3)
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": ARTICLE}) + "\n")
    res = run("clean", "--input-format", "jsonl", src, "-o", null, "--stats", null)
    assert res.exit_code == 0, res.output
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    import threading

    fifo = tmp_path / "stats.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    res = run("clean", "-", "--stats", fifo, input=ARTICLE)
    reader.join(timeout=60)
    assert res.exit_code == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["documents"] == 1


def test_a_symlink_named_as_output_is_written_through_not_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "stats.json"
    link.symlink_to(real)
    res = run("clean", "-", "--stats", link, input=ARTICLE)
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and json.loads(real.read_text())["documents"] == 1


@pytest.mark.parametrize("option", ["--stats", "--errors", "-o"])
def test_dash_means_stdout(tmp_path, monkeypatch, option):
    monkeypatch.chdir(tmp_path)
    args = {"--stats": ["-", "--stats", "-"], "--errors": ["-", "nope.txt", "--format", "json", "--errors", "-"],
            "-o": ["-", "-o", "-"]}[option]
    res = run("clean", *args, input=ARTICLE)
    assert not Path("-").exists()
    if option == "--stats":
        assert '"documents": 1' in res.stdout
    elif option == "--errors":
        assert '{"path": "nope.txt", "reason": "no such file (or a broken link)"}' in res.stdout
    else:
        assert res.stdout == BODY + "\n"


def test_a_symlink_inside_the_output_folder_is_not_followed_out(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text(ARTICLE)
    (src / "b.txt").write_text(ARTICLE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").symlink_to(elsewhere)
    res = run("clean", src, "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 1
    assert "would be written outside" in res.stderr and "sub/a.txt" in res.stderr
    assert list(elsewhere.iterdir()) == [] and (tmp_path / "out" / "b.txt").is_file()


def test_an_output_folder_inside_the_input_folder_is_never_read(tmp_path):
    """`-o in/out` run twice re-cleaned its own outputs into in/out/out/..., even with --skip-existing."""
    src = folder(tmp_path, "a.txt")
    for _ in range(2):
        res = run("clean", src, "-o", src / "out", "--skip-existing")
        assert res.exit_code == 0, res.output
    assert sorted(tree(src / "out")) == [".cleaner-fingerprint", "a.txt"]


def test_an_output_clash_is_reported_on_every_run(tmp_path):
    """a.html and a.txt map to one output; on a --skip-existing rerun a.txt was 'up to date', exit 0."""
    src = folder(tmp_path, "a.txt")
    (src / "a.html").write_text(f"<html><body><p>{BODY}</p></body></html>")
    for _ in range(2):
        res = run("clean", src, "-o", tmp_path / "out", "--skip-existing", "--jobs", "1")
        assert res.exit_code == 1
        assert "a.txt: output" in res.stderr and "would overwrite the output of" in res.stderr


def test_new_outputs_get_0666_less_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path, monkeypatch):
    """Every output was mode 0600 whatever the umask."""
    monkeypatch.setattr(outputs, "UMASK", 0o022)
    src = folder(tmp_path, "a.txt")
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(json.dumps({"text": ARTICLE}) + "\n")
    assert run("clean", src, "-o", tmp_path / "out", "--stats", tmp_path / "stats.json").exit_code == 0
    assert run("clean", jsonl, "-o", tmp_path / "out.jsonl").exit_code == 0
    made = [tmp_path / "out" / "a.txt", tmp_path / "stats.json", tmp_path / "out.jsonl"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in made} == {0o644}
    for p in made:
        p.chmod(0o640)
    assert run("clean", src, "-o", tmp_path / "out", "--stats", tmp_path / "stats.json").exit_code == 0
    assert run("clean", jsonl, "-o", tmp_path / "out.jsonl").exit_code == 0
    assert {stat.S_IMODE(p.stat().st_mode) for p in made} == {0o640}


# ---- outputs that cannot be written: one clear line, before the work where possible -------------

def read_only(monkeypatch):
    """Creating or writing any file fails as on a read-only file system (chmod does not stop root)."""
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    real_open = Path.open

    def open_(self, mode="r", *args, **kwargs):
        return refuse() if "w" in mode else real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(Path, "open", open_)


@pytest.mark.parametrize("option", ["-o", "--errors", "--stats"])
def test_a_read_only_target_is_one_line_before_any_work(tmp_path, monkeypatch, option):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": ARTICLE}) + "\n")
    read_only(monkeypatch)
    args = ["-o", "-"] + ([option, tmp_path / "target"] if option != "-o" else ["-o", tmp_path / "out.jsonl"])
    res = run("clean", src, *args[2 if option == "-o" else 0:])
    assert res.exit_code == 2
    assert res.stderr.strip().endswith("Read-only file system") and len(res.stderr.splitlines()) == 1
    assert "Traceback" not in res.output and BODY not in res.stdout  # nothing was cleaned


@pytest.mark.parametrize("target", ["read-only", "a file"])
def test_an_output_folder_that_cannot_be_written_is_one_line_before_any_work(tmp_path, monkeypatch, target):
    """Each document failed alone with the same reason (or the folder was a file: 'File exists')."""
    src = folder(tmp_path, "a.txt", "b.txt")
    if target == "read-only":
        read_only(monkeypatch)
        out = tmp_path / "out"
    else:
        (tmp_path / "out").write_text("a file")
        out = f"{tmp_path / 'out'}/"
    res = run("clean", src, "-o", out)
    assert res.exit_code == 2 and len(res.stderr.splitlines()) == 1
    assert res.stderr.startswith(f"cleaner: -o: cannot write in {tmp_path / 'out'}")


@pytest.mark.parametrize("option", ["-o", "--errors", "--stats"])
def test_a_full_disk_is_one_line_and_exit_1(tmp_path, option):
    full = device(tmp_path, "full", 7)  # every write: ENOSPC
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": ARTICLE}) + "\n" + "{broken\n")
    args = {"-o": ["-o", full], "--errors": ["-o", tmp_path / "o.jsonl", "--errors", full],
            "--stats": ["-o", tmp_path / "o.jsonl", "--stats", full]}[option]
    res = run("clean", src, *args)
    assert res.exit_code == 1
    assert f"{option}: cannot write {full}: No space left on device" in res.stderr
    assert "Traceback" not in res.output


# ---- one bad record never sinks the batch -------------------------------------------------------

def jsonl(tmp_path: Path, *lines: str) -> Path:
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return src


def test_a_lone_surrogate_escape_is_cleaned_and_written_back_escaped(tmp_path):
    """A `\\ud800` escape (valid JSON) raised UnicodeEncodeError in the parent: no output at all."""
    good = json.dumps({"id": 1, "text": ARTICLE})
    odd = json.dumps({"id": 2, "text": ARTICLE + "\n\nA broken character \ud800 in a line of text.", "note": "\udcff"})
    res = run("clean", jsonl(tmp_path, good, odd, good), "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [1, 2, 1] and out[1]["note"] == "\udcff"
    assert "\\udcff" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize("line, reason", [
    ('{"text": "%s", "score": 1e999}', "cannot be written back as JSON"),
    ('{"text": "%s", "score": NaN}', "cannot be written back as JSON"),
    ("[" * 100_000 + "]" * 100_000, "malformed JSON (nested too deeply)"),
    ('{"text": "%s", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_numbers_json_cannot_hold_and_deep_nesting_fail_their_line(tmp_path, line, reason):
    """1e999 came out as Infinity (invalid JSON); 100k levels were 'internal error: RecursionError'."""
    text = json.dumps(ARTICLE)[1:-1]
    src = jsonl(tmp_path, json.dumps({"text": ARTICLE}), line.replace("%s", text) if "%s" in line else line)
    res = run("clean", src, "-o", tmp_path / "out.jsonl", "--jobs", "1")
    assert res.exit_code == 1
    [line] = [ln for ln in res.stderr.splitlines() if "docs.jsonl:2: " in ln]
    assert reason in line and "internal error" not in res.stderr
    [out] = (tmp_path / "out.jsonl").read_text().splitlines()
    assert "Infinity" not in out and json.loads(out)["text"] == BODY


def test_file_names_that_are_not_utf8_never_crash_json_outputs_or_the_errors_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (Path(os.fsdecode(os.fsencode(src) + b"/caf\xe9.txt"))).write_text(ARTICLE)
    (Path(os.fsdecode(os.fsencode(src) + b"/bin\xff.txt"))).write_bytes(b"%PDF-1.4 \x00")
    res = run("clean", src, "-o", tmp_path / "out", "--format", "json", "--errors", tmp_path / "errors.jsonl")
    assert res.exit_code == 1 and "Traceback" not in res.output
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").iterdir() if p.suffix == ".json"]
    assert record["text"] == BODY and record["source"].endswith("caf\udce9.txt")
    [failure] = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["path"].endswith("bin\udcff.txt") and "binary data" in failure["reason"]


def test_a_name_without_a_file_name_fails_alone(tmp_path):
    """`nonexist/..` stopped everything with ValueError: PosixPath('.') has an empty name."""
    src = folder(tmp_path, "a.txt")
    res = run("clean", tmp_path / "nonexist" / "..", src / "a.txt", "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert f"{tmp_path / 'nonexist' / '..'}: no such file" in res.stderr
    assert (tmp_path / "out" / "a.txt").is_file()


def test_clean_of_something_that_is_no_document_says_so():
    with pytest.raises(TypeError, match="a document is str or bytes, not NoneType"):
        clean(None)


def test_an_input_found_by_a_glob_whose_output_is_itself_fails_alone(tmp_path, monkeypatch):
    folder(tmp_path, "a.txt", "b.txt")
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path / "in")
    res = run("clean", "in/*.txt", "-o", "in", "--jobs", "1")
    assert res.exit_code == 1
    assert "in/a.txt: output in/a.txt is this input: it would be overwritten" in res.stderr
    assert tree(tmp_path / "in") == before


def test_an_interrupted_run_keeps_the_failures_met_so_far_in_the_errors_file(tmp_path, monkeypatch):
    import cleaner.cli

    real = cleaner.cli.clean_line

    def interrupted(cleaner_, line, fields):
        if line.number == 3:
            raise KeyboardInterrupt
        return real(cleaner_, line, fields)

    monkeypatch.setattr(cleaner.cli, "clean_line", interrupted)
    src = jsonl(tmp_path, "{broken", json.dumps({"text": ARTICLE}), json.dumps({"text": ARTICLE}))
    run("clean", src, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", "--jobs", "1")
    [failure] = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert failure["line"] == 1 and "malformed JSON" in failure["reason"]
    assert not (tmp_path / "out.jsonl").exists()  # the output appears whole or not at all
