"""Review commands: `cleaner diff` (goldens for two seeds), `cleaner check` exit codes and
`--update`, `cleaner rules list|show|test` on good and broken user rule files.

The diff goldens under tests/test_review/ are made from the seeds as the cleaner cleans them now:
when the cleaning changes on purpose, regenerate them with
`pytest tests/test_review.py --force-regen` and read the new ones.
"""

import doctest
import json
import re

import pytest
from click.testing import CliRunner

from cleaner.render import review
from cleaner.cli import main
from cleaner.decide.rules import default_rules_dir
from cleaner.document import Decision, Document, Join, Line

SEEDS = {"001": "seeds/001_4bda62c64cb31b1c.txt", "002": "seeds/002_e2bcc63c24407649.txt"}
ARTICLE = ("SUBSCRIBE NOW\n\nLeaders agree to keep talking\n\n"
           "The two leaders met on Monday in the capital and agreed to keep talking about trade and "
           "security over the coming months, offi\ncials said.\n\nGet in Touch\n")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def apply_unified(original: str, diff: str) -> str:
    """Apply a unified diff as patch does, checking every context and removed line against `original`."""
    old = original.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)
    for i, ln in enumerate(lines):
        m = HUNK.match(ln)
        if m:
            start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
            out += old[pos:start]
            pos = start
        elif ln.startswith(("---", "+++", "#")):
            continue
        elif ln.startswith("\\") and lines[i - 1].startswith("+"):  # no newline at the end of the new text
            out[-1] = out[-1].rstrip("\n")
        elif ln[0] in " -":
            assert old[pos].rstrip("\n") == ln[1:].rstrip("\n"), f"hunk does not fit at line {pos + 1}"
            if ln[0] == " ":
                out.append(old[pos])
            pos += 1
        elif ln[0] == "+":
            out.append(ln[1:])
    return "".join(out + old[pos:])


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_diff_plain_golden(in_root, seed, file_regression):
    res = run("diff", SEEDS[seed], "--color", "never")
    assert res.exit_code == 0, res.output
    assert not ANSI.search(res.output)
    file_regression.check(res.output, basename=f"diff_{seed}", extension=".txt")


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_diff_unified_golden_applies_to_the_seed(in_root, seed, file_regression):
    res = run("diff", SEEDS[seed], "--unified", "--color", "never")
    assert res.exit_code == 0, res.output
    cleaned = run("clean", SEEDS[seed]).output
    original = (in_root / SEEDS[seed]).read_text(encoding="utf-8")
    assert apply_unified(original, res.output) == cleaned
    file_regression.check(res.output, basename=f"diff_{seed}_unified", extension=".diff")


def test_diff_marks_every_removal_and_join():
    res = run("diff", "-", "--color", "never", input=ARTICLE)
    lines = res.output.splitlines()
    assert any(re.match(r"^1 - nav\.subscribe +SUBSCRIBE NOW$", ln) for ln in lines), res.output
    assert any(re.match(r"^3 > meta\.title +Leaders agree", ln) for ln in lines)
    assert any(re.match(r"^8 - model:nav\.get-in-touch +Get in Touch$", ln) for ln in lines)  # the model, on the rule's evidence
    assert any(re.match(r"^6 +\+wrap\.chunk-word +cials said\.$", ln) for ln in lines)
    assert 'joined "offi" + "cials" -> "officials"' in res.output
    assert re.search(r"^  title +Leaders agree to keep talking +\(line 3, meta\.title\)$", res.output, re.M)


def test_diff_colour():
    assert not ANSI.search(run("diff", "-", input=ARTICLE).output)  # auto: not a terminal
    coloured = run("diff", "-", "--color", "always", input=ARTICLE).output
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == run("diff", "-", "--color", "never", input=ARTICLE).output
    unified = run("diff", "-", "--unified", "--color", "always", input=ARTICLE).output
    assert "\x1b[31m-SUBSCRIBE NOW" in unified


def test_diff_json():
    rec = json.loads(run("diff", "-", "--format", "json", input=ARTICLE).output)
    by_line = {ln["line"]: ln for ln in rec["lines"]}
    assert (by_line[1]["action"], by_line[1]["by"]) == ("drop", "nav.subscribe")
    assert by_line[6]["join"] == {"by": "wrap.chunk-word", "glue": "", "left": "offi", "right": "cials",
                                  "made": "officials"}
    assert rec["metadata"]["title"] == {"value": "Leaders agree to keep talking", "by": "meta.title", "line": 3}
    assert rec["text"].endswith("officials said.\n")


def test_diff_html_uses_the_extracted_text(tmp_path):
    page = tmp_path / "page.html"
    para = ("The two leaders met on Monday in the capital and agreed to keep talking about trade and "
            "security over the coming months, officials said. ")
    page.write_text(f"<html><head><title>Talks</title></head><body><article><h1>Leaders agree</h1>"
                    f"<p>{para * 3}</p><p>{para * 2}</p><p>SUBSCRIBE NOW</p></article></body></html>")
    plain = run("diff", str(page), "--color", "never")
    assert plain.exit_code == 0, plain.output
    assert "<p>" not in plain.output and "officials said." in plain.output
    unified = run("diff", str(page), "--unified").output
    assert f"--- {page}\textracted text\n" in unified


def test_diff_errors(tmp_path):
    assert run("diff", "-", "--unified", "--format", "json", input=ARTICLE).exit_code == 2
    assert run("diff", str(tmp_path)).exit_code == 2
    res = run("diff", str(tmp_path / "nope.txt"))
    assert res.exit_code == 1 and "nope.txt: no such file" in res.output


def test_a_removed_wrapped_line_and_an_invisible_line_are_both_shown():
    doc = Document("doc.txt", [
        Line("Sign up to our newsletter today", 0, 2, True, [Join(1, "wrap.soft", " ")], Decision("drop", "nav.newsletter")),
        Line("Body text.", 3, 4),
    ], original="Sign up to our\nnewsletter today\n\u200b\nBody text.")
    view = review.annotated(doc).splitlines()
    assert view[-5:] == ["1 - nav.newsletter   Sign up to our",
                         "2 - +wrap.soft       newsletter today",
                         '                     joined "our" + "newsletter" -> "our newsletter"',
                         "3 - normalize.empty  \u200b",
                         "4                    Body text."]
    assert [(r["line"], r["by"]) for r in review.record(doc, "Body text.\n")["lines"]] == \
        [(1, "nav.newsletter"), (2, "nav.newsletter"), (3, "normalize.empty"), (4, None)]
    unified = review.unified_review(doc, "Body text.\n")
    assert "@@ -1,4 +1 @@ nav.newsletter wrap.soft normalize.empty\n" in unified
    assert "# line 1: removed by nav.newsletter\n" in unified and "# line 2: removed" not in unified


def test_review_doctests():
    assert doctest.testmod(review).failed == 0


# check


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE)
    (src / "sub" / "b.txt").write_text(ARTICLE.replace("Monday", "Tuesday"))
    return src


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_unchanged_against_clean_output(corpus, tmp_path, fmt):
    gold = tmp_path / "gold"
    assert run("clean", str(corpus), "-o", str(gold), "--format", fmt).exit_code == 0
    res = run("check", str(corpus), "--golden", str(gold), "--format", fmt)
    assert res.exit_code == 0, res.output
    assert res.output == "2 documents: 2 unchanged\n"


def test_check_changed_prints_a_diff(corpus, tmp_path):
    gold = tmp_path / "gold"
    run("clean", str(corpus), "-o", str(gold))
    (gold / "sub" / "b.txt").write_text("An older cleaning.\n")
    res = run("check", str(corpus), "--golden", str(gold))
    assert res.exit_code == 1
    assert f"--- {gold / 'sub' / 'b.txt'}\n" in res.output
    assert "-An older cleaning.\n" in res.output and "+The two leaders met on Tuesday" in res.output
    assert res.output.endswith("2 documents: 1 unchanged, 1 changed\n")


def test_check_missing_golden_then_update_round_trip(corpus, tmp_path):
    gold = tmp_path / "gold"
    run("clean", str(corpus), "-o", str(gold))
    (gold / "a.txt").unlink()
    (gold / "sub" / "b.txt").write_text("stale\n")
    res = run("check", str(corpus), "--golden", str(gold))
    assert res.exit_code == 1 and "no golden" in res.output and "1 missing golden" in res.output
    res = run("check", str(corpus), "--golden", str(gold), "--update")
    assert res.exit_code == 0, res.output
    assert res.output.endswith("2 documents: 0 unchanged, 1 changed, 1 missing golden, 2 updated\n")
    assert run("check", str(corpus), "--golden", str(gold)).exit_code == 0
    fresh = tmp_path / "fresh"
    run("clean", str(corpus), "-o", str(fresh))
    for name in ("a.txt", "sub/b.txt"):
        assert (gold / name).read_text() == (fresh / name).read_text()
    assert not list(gold.rglob("*.tmp"))


def test_check_usage_and_input_errors(corpus, tmp_path):
    assert run("check", str(corpus)).exit_code == 2  # no --golden
    res = run("check", str(corpus), "--golden", str(tmp_path / "nowhere"))
    assert res.exit_code == 2 and "does not exist" in res.output
    gold = tmp_path / "gold"
    run("clean", str(corpus), "-o", str(gold))
    (corpus / "empty.txt").write_text("  \n")
    res = run("check", str(corpus), "--golden", str(gold))
    assert res.exit_code == 1 and "empty.txt: empty input" in res.output and "1 failed" in res.output


# rules

GOOD = '''
[[rule]]
id = "site.promo"
kind = "drop"
description = "Our promo line"
pattern = '^Buy the print edition$'
match = ["Buy the print edition"]
no_match = ["He did not buy the print edition of the paper that day."]
'''


def rule_file(tmp_path, text, name="my.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_rules_test_passes_good_and_bundled_files(tmp_path):
    res = run("rules", "test", str(rule_file(tmp_path, GOOD)))
    assert res.exit_code == 0, res.output
    assert res.output == "1 rule in 1 file: no failures\n"
    assert run("rules", "test").exit_code == 0


def test_rules_test_reads_the_bundled_rules_named_by_a_relative_path(monkeypatch):
    folder = default_rules_dir()
    monkeypatch.chdir(folder.parent)
    res = run("rules", "test", folder.name)
    assert res.exit_code == 0, res.output
    assert res.output.endswith(f" in {len(list(folder.rglob('*.toml')))} files: no failures\n")


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("'^Buy the print edition$'", "'^Buy (the print edition$'"),
     "rule 'site.promo': bad pattern: missing )"),
    (GOOD.replace('id = "site.promo"\n', ""), "rule without id: 'id' must be"),
    (GOOD + GOOD, "rule 'site.promo': duplicate id (first defined in"),
    (GOOD.replace("site.promo", "nav.subscribe"), "rule 'nav.subscribe': duplicate id (first defined in"),
    (GOOD.replace('match = ["Buy the print edition"]', 'match = ["Buy the Sunday edition"]'),
     "rule 'site.promo': does not match its example 'Buy the Sunday edition'"),
    (GOOD.replace("He did not buy the print edition of the paper that day.", "buy the PRINT edition"),
     "rule 'site.promo': matches its no_match example 'buy the PRINT edition'"),
    (GOOD.replace("kind =", "knd ="), "rule 'site.promo': unknown key(s) knd"),
    (GOOD.replace('[[rule]]', '[[rule]'), "TOML syntax error"),
], ids=["bad-regex", "missing-id", "duplicate-id", "duplicate-bundled-id", "match-fails", "no-match-matches",
        "unknown-key", "toml"])
def test_rules_test_catches_broken_user_files(tmp_path, text, message):
    path = rule_file(tmp_path, text)
    res = run("rules", "test", str(path))
    assert res.exit_code == 1
    fail = [ln for ln in res.output.splitlines() if ln.startswith("FAIL ")]
    assert len(fail) == 1, res.output
    assert fail[0].startswith(f"FAIL {path}: ") and message in fail[0]


def test_rules_list_includes_user_rules_and_disabled_state(tmp_path):
    path = rule_file(tmp_path, GOOD)
    res = run("rules", "list", "--rules", str(path), "--disable", "nav")
    assert res.exit_code == 0
    rows = {ln.split()[0]: ln.split()[1:4] for ln in res.output.splitlines()[1:]}
    assert rows["site.promo"] == ["drop", "site", "on"]
    assert rows["nav.subscribe"] == ["drop", "nav", "off"]
    assert rows["caption.credit.label"][2] == "on"
    assert res.output.splitlines()[0].split() == ["ID", "KIND", "GROUP", "STATE", "DESCRIPTION"]


def test_rules_show(tmp_path):
    res = run("rules", "show", "site.promo", "--rules", str(rule_file(tmp_path, GOOD)))
    assert res.exit_code == 0
    assert "pattern:        ^Buy the print edition$\n" in res.output
    assert f"file:           {tmp_path / 'my.toml'}\n" in res.output
    assert "match:\n  Buy the print edition\nno_match:\n  He did not buy" in res.output
    res = run("rules", "show", "nav.nope")
    assert res.exit_code == 2 and "no rule 'nav.nope'" in res.output
    res = run("rules", "list", "--rules", str(rule_file(tmp_path, GOOD + GOOD, "dup.toml")))
    assert res.exit_code == 2 and "duplicate id" in res.output
