"""Hostile input: rule files that would hang or half-load, and faulty inputs in a batch."""

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli as run

from cleaner.decide import rules
from cleaner.cli import main
from cleaner.decide.rules import RuleError, RuleSet, RuleTimeout, parse_rule, too_slow

ARTICLE = ("Leaders agree to keep talking\n\n"
           "The two leaders met on Monday in the capital and agreed to keep talking about trade and "
           "security over the coming months, officials said.\n")


def rule_file(tmp_path: Path, pattern: str, match: str, rid: str = "x.slow") -> Path:
    p = tmp_path / "user.toml"
    p.write_text(f'[[rule]]\nid = "{rid}"\nkind = "drop"\ndescription = "d"\n'
                 f"pattern = '''{pattern}'''\nmatch = [\"{match}\"]\n", encoding="utf-8")
    return p




@pytest.mark.parametrize("pattern, match", [
    (r"(a+)+$", "aaa"),
    (r"^(\w+\s?)+$", "hello world"),
    (r"^(spot_img|spot_img_?)+$", "spot_imgspot_img"),
    (r"(x+x+)+y", "xxy"),
])
def test_catastrophic_user_rule_is_refused_at_load(tmp_path, pattern, match):
    p = rule_file(tmp_path, pattern, match)
    with pytest.raises(RuleError) as e:
        RuleSet.load([p])
    assert f"{p}: rule 'x.slow': pattern too slow" in str(e.value)


def test_healthy_user_rule_passes_the_probe(tmp_path):
    rs = RuleSet.load([rule_file(tmp_path, r"^\W*(buy|order) now\W*$", "Buy now!")], defaults=False)
    assert rs.match("ORDER NOW")[0].id == "x.slow"


BUNDLED = RuleSet.load().all_rules
@pytest.mark.parametrize("rule", BUNDLED, ids=lambda r: r.id)
def test_bundled_rules_pass_the_probe(rule):
    assert too_slow(rule) is None


def test_a_rule_that_times_out_on_a_line_raises_rule_timeout_naming_it(monkeypatch):
    """A rule that slips past the probes (its examples do not hit the slow path) and then meets
    a hostile line: a RuleTimeout naming the rule, not a hang."""
    monkeypatch.setattr(rules, "TIMEOUT", 0.05)
    # the look-ahead never holds: RE2's prefilter (reading it as true) lets the line through to `regex`
    slow = parse_rule({"id": "x.sneaky", "kind": "drop", "description": "d", "pattern": r"^(zz|(a|aa)+(?!c)c)$",
                       "match": ["zz"]}, "sneaky.toml")
    assert too_slow(slow) is None
    rs = RuleSet([slow])
    assert rs.match("zz")[0].id == "x.sneaky"
    with pytest.raises(RuleTimeout, match=r"rule 'x.sneaky' \(sneaky.toml\) took over .* on a line of 61 characters"):
        rs.match("a" * 60 + "c")


def test_a_line_the_prefilter_rules_out_never_meets_the_backtracking_pattern(monkeypatch):
    """The same hostile line against a rule RE2 can read whole: RE2 (linear time) says it cannot
    match, so `regex` never backtracks over it."""
    monkeypatch.setattr(rules, "TIMEOUT", 0.05)
    slow = parse_rule({"id": "x.sneaky", "kind": "drop", "description": "d", "pattern": r"^(zz|(a|aa)+b)$",
                       "match": ["zz"]}, "sneaky.toml")
    rs = RuleSet([slow])
    assert rs.match("a" * 60 + "c") is None
    assert rs.match("aaab")[0].id == "x.sneaky"


def test_a_bundled_rule_runs_without_a_timeout_but_not_on_a_long_line(monkeypatch):
    """Bundled rules (loaded unchecked) skip the timeout's cost on ordinary lines; past
    UNTIMED_MAX_CHARS characters they run under one too, so a slow pattern cannot hang a batch."""
    monkeypatch.setattr(rules, "TIMEOUT", 0.05)
    bundled = parse_rule({"id": "x.sneaky", "kind": "drop", "description": "d", "pattern": r"^(zz|(a|aa)+b)$",
                          "match": ["zz"]}, "bundled.toml", check=False)
    assert not bundled.timed
    rs = RuleSet([bundled])
    assert rs.match("a" * 20 + "c") is None  # short: searched untimed, finishes
    with pytest.raises(RuleTimeout, match="rule 'x.sneaky'"):
        rs.match("a" * (rules.UNTIMED_MAX_CHARS + 1) + "c")


def test_timeout_grows_with_the_line():
    assert rules.timeout("x" * 1_000_000) > rules.timeout("x") >= rules.TIMEOUT


@pytest.mark.parametrize("text, message", [
    ("[[rule]\nid=", "TOML syntax error"),
    ('[[rule]]\nid = "x.a"\nkind = "drop"\ndescription = "d"\npattern = "(a"\nmatch = ["a"]\n', "rule 'x.a': bad pattern"),
    ('[[rule]]\nid = "nav.subscribe"\nkind = "drop"\ndescription = "d"\npattern = "a"\nmatch = ["a"]\n',
     "rule 'nav.subscribe': duplicate id"),
    ('[[rule]]\nid = "x.a"\nkind = "drop"\ndescription = "d"\npattern = "a"\nmatch = ["a"]\ncolour = 1\n',
     "rule 'x.a': unknown key(s) colour"),
    ('[[rule]]\nid = "x.a"\nkind = "drop"\ndescription = "d"\npattern = \'\'\'(a+)+$\'\'\'\nmatch = ["aa"]\n',
     "rule 'x.a': pattern too slow"),
])
def test_cli_refuses_a_bad_rule_file_before_cleaning_anything(tmp_path, text, message):
    """Exit 2 with file, rule and reason; no output at all (nothing cleaned with half the rules)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    bad = tmp_path / "bad.toml"
    # a valid rule first: the file must be refused whole, not loaded up to the broken rule
    bad.write_text('[[rule]]\nid = "x.ok"\nkind = "drop"\ndescription = "d"\npattern = "^ok$"\nmatch = ["ok"]\n\n'
                   + text, encoding="utf-8")
    res = run("clean", tmp_path / "in", "-o", tmp_path / "out", "--rules", bad)
    assert res.exit_code == 2
    assert str(bad) in res.output and message in res.output
    assert not (tmp_path / "out").exists()


# ---- faulty inputs in a batch ---------------------------------------------------------------

def stderr_lines_naming(res, path: Path) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if f"{path}:" in ln]


def deny_reading(monkeypatch, path: Path) -> None:
    """chmod 000; as root (CI) that does not stop reading, so opening it is made to fail too."""
    path.chmod(0)
    if os.geteuid() == 0:
        real_open = Path.open

        def open_(self, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_)


def test_each_faulty_input_gets_one_line_naming_it_and_the_batch_goes_on(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_good.txt").write_text(ARTICLE)
    faults = {
        "pdf.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary data (PDF)"),
        "png.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data (PNG image)"),
        "gz.txt": (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "binary data (gzip-compressed data)"),
        "empty.txt": (b"", "empty input"),
        "blank.txt": (b" \r\n\t\n\xc2\xa0\n", "empty input"),
        "big.txt": (ARTICLE.encode() * 50, "larger than --max-bytes 5000"),
    }
    for name, (data, _) in faults.items():
        (src / name).write_bytes(data)
    (src / "link.txt").symlink_to(src / "gone.txt")
    faults["link.txt"] = (None, "no such file (or a broken link)")
    (src / "secret.txt").write_text(ARTICLE)
    deny_reading(monkeypatch, src / "secret.txt")
    faults["secret.txt"] = (None, "permission denied")
    (src / "z_good.txt").write_text(ARTICLE)

    res = run("clean", src, "-o", tmp_path / "out", "--jobs", "1", "--max-bytes", "5000")
    assert res.exit_code == 1
    for name, (_, reason) in faults.items():
        lines = stderr_lines_naming(res, src / name)
        assert len(lines) == 1, (name, res.stderr)
        assert reason in lines[0], (name, lines)
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert outputs == ["a_good.txt", "z_good.txt"]


def test_a_directory_given_as_input_is_searched_as_a_folder(tmp_path):
    (tmp_path / "in" / "d.txt").mkdir(parents=True)  # a folder that looks like a file
    (tmp_path / "in" / "d.txt" / "inner.txt").write_text(ARTICLE)
    res = run("clean", tmp_path / "in", "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "d.txt" / "inner.txt").is_file()


def test_max_bytes_on_stdin():
    res = CliRunner().invoke(main, ["clean", "-", "--max-bytes", "100"], input=ARTICLE)
    assert res.exit_code == 1
    assert "<stdin>: larger than --max-bytes 100" in res.stderr
    assert CliRunner().invoke(main, ["clean", "-"], input=ARTICLE).exit_code == 0  # the default is far above


def test_max_bytes_reads_no_further_than_the_limit(tmp_path):
    """A device that never ends (/dev/zero) is refused after max_bytes + 1 bytes, not read forever."""
    from cleaner.io.batch import Input, InputError, read_input

    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(InputError, match="larger than --max-bytes 1000"):
        read_input(Input(zero, Path("zero")), max_bytes=1000)


def test_a_rule_timeout_at_run_time_fails_that_document_only(tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "TIMEOUT", 0.05)
    user = tmp_path / "sneaky.toml"
    user.write_text('[[rule]]\nid = "x.sneaky"\nkind = "drop"\ndescription = "d"\n'
                    "pattern = '''^(zz|(a|aa)+(?!c)c)$'''\nmatch = [\"zz\"]\n", encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "hostile.txt").write_text(ARTICLE + "\n" + "a" * 60 + "c\n")
    res = run("clean", src, "-o", tmp_path / "out", "--jobs", "1", "--rules", user)
    assert res.exit_code == 1
    [line] = stderr_lines_naming(res, src / "hostile.txt")
    assert "rule 'x.sneaky'" in line and "took over" in line
    assert (tmp_path / "out" / "good.txt").is_file() and not (tmp_path / "out" / "hostile.txt").exists()


def test_a_bug_on_one_document_fails_that_document_only(tmp_path, monkeypatch):
    from cleaner import Cleaner

    real = Cleaner.clean_parts

    def buggy(self, text, source, *args, **options):
        if source.endswith("b.txt"):
            raise KeyError("boom")
        return real(self, text, source, *args, **options)

    monkeypatch.setattr(Cleaner, "clean_parts", buggy)
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(ARTICLE)
    res = run("clean", src, "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 1
    assert stderr_lines_naming(res, src / "b.txt") == [f"cleaner: {src / 'b.txt'}: internal error: KeyError: 'boom'"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "c.txt"]


# ---- nothing written where it should not be, nothing lost ------------------------------------

def tree(root: Path) -> dict[str, str]:
    """Every file under `root` with the SHA-256 of its content."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


@given(st.lists(st.one_of(st.sampled_from(["..", ".", "", "/", "~", "..."]),
                          st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                  min_size=1, max_size=8)), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_output_paths_stay_inside_the_output_folder(parts):
    from cleaner.io.batch import Input, InputError, output_path

    outdir = Path("/srv/out")
    rel = Path(*parts) if any(parts) else Path("x")
    try:
        target = output_path(outdir, Input(Path("in.txt"), rel), "text")
    except InputError:  # a name that cannot become a file name: the document fails, nothing is written
        return
    assert os.path.normpath(target).startswith("/srv/out/"), target
    assert target.name not in ("", ".", "..")


def test_files_from_with_absolute_and_parent_paths_writes_only_inside_outdir(tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "in").mkdir(parents=True)
    (work / "cwd").mkdir()
    (work / "in" / "abs.txt").write_text(ARTICLE)
    (work / "in" / "rel.txt").write_text(ARTICLE)
    listing = work / "list.txt"
    listing.write_text(f"{work / 'in' / 'abs.txt'}\n../in/rel.txt\n")
    monkeypatch.chdir(work / "cwd")
    before = tree(tmp_path)
    res = run("clean", "--files-from", listing, "-o", work / "out", "--jobs", "1")
    assert res.exit_code == 0, res.output
    after = tree(tmp_path)
    new = sorted(set(after) - set(before))
    assert new and all(n.startswith("work/out/") for n in new), new
    assert {before[k] == after[k] for k in before} == {True}  # inputs unchanged


def test_two_inputs_with_the_same_output_name_the_second_fails(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(ARTICLE)
    (tmp_path / "b" / "x.txt").write_text(ARTICLE.replace("Monday", "Tuesday"))
    (tmp_path / "a" / "x.html").write_text("<html><body><p>Other page.</p></body></html>")
    res = run("clean", tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt", tmp_path / "a" / "x.html",
              "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 1
    for loser in (tmp_path / "b" / "x.txt", tmp_path / "a" / "x.html"):
        [line] = stderr_lines_naming(res, loser)
        assert "would overwrite the output of" in line and str(tmp_path / "a" / "x.txt") in line
    assert "Monday" in (tmp_path / "out" / "x.txt").read_text()  # the first one's output, kept


def test_inputs_are_never_modified(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE)
    (src / "crlf.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-16"))
    (src / "bin.txt").write_bytes(b"%PDF-1.4 \x00\x01")
    (src / "page.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>")
    before = tree(src)
    stamps = {p.name: p.stat().st_mtime_ns for p in src.iterdir()}
    run("clean", src, "-o", tmp_path / "out", "--jobs", "1", "--format", "json")
    run("clean", src, "-o", tmp_path / "out", "--jobs", "1", "--skip-existing")
    assert tree(src) == before
    assert {p.name: p.stat().st_mtime_ns for p in src.iterdir()} == stamps


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\u2028", "\u2029", "\x85"])
def test_line_endings_are_unified(ending):
    from cleaner import clean

    text = ARTICLE + "\nSUBSCRIBE NOW\n\nThe talks went on late into the night, a spokesman said on Tuesday.\n"
    assert clean(text.replace("\n", ending)).text == clean(text).text
