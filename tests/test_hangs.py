"""Nothing hangs: lines of 1 MB without spaces, slow user rules, the per-document time budget, and
memory bounded by the text cleaned.

No test here times a fast path: each gives a 1 MB line a bound of tens of seconds where the
quadratic patterns of before took minutes to hours.
"""

import time
import tracemalloc
from pathlib import Path

import pytest

from cleaner import Cleaner, clean
from cleaner.decide import caches, rules
from cleaner.decide.features import line_features
from cleaner.decide.rules import RuleError, RuleSet, RuleTimeout, parse_rule, too_slow

MB = 1_000_000
GENEROUS = 30.0  # seconds for a document with one 1 MB line; the quadratic patterns took 45 min and more
SHAPES = {
    "base64": "QUJDRGVmZ2hp+/9",           # features._LINKY: 200 KB took 105 s
    "dotted domains": "tribune.net.ph.",  # nav.domain: 210 KB failed after 143 s
    "dotted chain": "window.document.body.",
    "numbers": "12 ",                      # nav.glued-teaser
    "capitals": "ABC ",
    "at signs": "a@b",
    "dashes": "-",
}


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_a_document_with_a_1_mb_line_is_cleaned_in_linear_time(unit):
    line = (unit * (MB // len(unit) + 1))[:MB]
    text = "A headline\n\nThe minister said on Monday that the talks would go on for a while.\n\n" + line + "\n"
    start = time.monotonic()
    clean(text)
    assert time.monotonic() - start < GENEROUS


@pytest.mark.parametrize("rule_id, unit", [("nav.domain", "tribune.net.ph."), ("nav.domain", "window.document.body."),
                                           ("nav.glued-teaser", "12 "), ("nav.glued-teaser", "ABC ")])
def test_bundled_rules_that_were_quadratic_are_linear(rule_id, unit):
    """Searched alone (a bundled rule sees lines of up to BUNDLED_MAX_CHARS; here 10 times more)."""
    rule = RuleSet.load().get(rule_id)
    line = (unit * MB)[:10 * rules.BUNDLED_MAX_CHARS]
    start = time.monotonic()
    rule.compiled.search(line)
    assert time.monotonic() - start < GENEROUS / 10


def test_linky_is_the_same_test_as_before():
    """The e-mail part of _LINKY was rewritten to scan each word once; it finds what it found."""
    for text, linky in [("mail a@b.com now", True), ("a@b", False), ("@a.b", False), ("@@a.b", True), ("x@.b", False),
                        ("x@..b", True), ("x@y.", False), ("see https://x", True), ("Home | News", True),
                        ("a@b c.d", False), ("reach me: jane.doe@example.co.uk.", True)]:
        assert line_features(text, "English").linky is linky, text


def user_rule(tmp_path: Path, pattern: str, match: str) -> Path:
    p = tmp_path / "user.toml"
    p.write_text(f'[[rule]]\nid = "x.slow"\nkind = "drop"\ndescription = "d"\npattern = \'\'\'{pattern}\'\'\'\n'
                 f'match = ["{match}"]\n', encoding="utf-8")
    return p


@pytest.mark.parametrize("pattern, match", [
    (r"(?<=^(?:\w+\s)*)subscribe\b", "Please subscribe"),  # quadratic lookbehind: passed the probe before
    (r"^\s*(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|ph)(\.[a-z]{2})?(/\S*)?\s*$", "tribune.net.ph"),
])
def test_harder_load_time_probes_refuse_quadratic_user_rules(tmp_path, pattern, match):
    with pytest.raises(RuleError, match="rule 'x.slow': pattern too slow"):
        RuleSet.load([user_rule(tmp_path, pattern, match)], defaults=False)


def test_the_probes_hold_a_1_mb_line_without_spaces_and_a_line_failing_at_its_first_character():
    rule = parse_rule({"id": "x.ok", "kind": "drop", "description": "d", "pattern": r"^buy now$",
                       "match": ["Buy now"]}, "u.toml")
    probes = rules.probes(rule)
    assert any(len(p) >= MB and " " not in p for p in probes)
    assert any(p.startswith("\x00") and "Buy now" in p for p in probes)
    assert too_slow(rule) is None


def slow_but_not_too_slow(monkeypatch) -> Cleaner:
    """A user rule that passes the per-line timeout, but costs time on every line (its look-ahead can
    never hold, which the RE2 prefilter, reading look-arounds as true, cannot see: `regex` is run)."""
    monkeypatch.setattr(rules, "BUDGET", 0.05)
    monkeypatch.setattr(rules, "BUDGET_PER_CHAR", 0.0)
    rule = parse_rule({"id": "x.costly", "kind": "drop", "description": "d", "pattern": r"^(zz|(a|aa)+(?!c)c)$",
                       "match": ["zz"]}, "costly.toml")
    cleaner = Cleaner(defaults=False)
    cleaner.rules = RuleSet([rule])
    return cleaner


def test_a_document_that_spends_the_rules_time_budget_fails_naming_the_rule(monkeypatch):
    cleaner = slow_but_not_too_slow(monkeypatch)
    line = "a" * 22 + "c"  # about 10 ms per search: far under the per-line timeout
    with pytest.raises(RuleTimeout, match=r"rule 'x.costly' \(costly.toml\) used up the time budget of 0.1 s"):
        cleaner.clean("\n\n".join([line] * 200))
    assert cleaner.clean("zz\n\nThe minister spoke on Monday about the talks.").text  # the next document has its own


def test_the_budget_failure_fails_one_document_of_a_batch(tmp_path, monkeypatch):
    from cleaner.io.batch import Input, InputError, clean_input

    cleaner = slow_but_not_too_slow(monkeypatch)
    with pytest.raises(InputError, match="rule 'x.costly'.*time budget"):
        clean_input(cleaner, Input(Path("hostile.txt"), Path("hostile.txt")), ("a" * 22 + "c\n\n").encode() * 200)


def test_the_line_caches_hold_a_bounded_amount_of_text(monkeypatch):
    """15,000 documents each with one distinct 20 KB paragraph grew a process to 570 MB and rising:
    the caches were bounded by entries, not bytes."""
    monkeypatch.setattr(caches, "CACHE_CHARS", 200_000)
    cleaner = Cleaner()

    def docs(first: int, n: int):
        for i in range(first, first + n):
            yield f"Story {i}\n\n" + " ".join(f"word{i}x{j} and the" for j in range(1500))

    list(cleaner.clean_many(docs(0, 10)))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        list(cleaner.clean_many(docs(10, 60)))  # 60 new paragraphs of about 20 KB: 1.2 MB of new lines
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1_000_000, grown


def test_bundled_rules_do_not_look_at_lines_longer_than_their_limit_but_user_rules_do(tmp_path):
    line = "SUBSCRIBE" + "!" * rules.BUNDLED_MAX_CHARS
    bundled = RuleSet.load()
    assert bundled.match("SUBSCRIBE" + "!" * 100)[0].id == "nav.subscribe"
    assert bundled.match(line) is None
    with_user = RuleSet.load([user_rule(tmp_path, r"^subscribe!+$", "subscribe!")])
    assert with_user.match(line)[0].id == "x.slow"


def test_markdown_with_a_long_run_of_open_brackets_is_read_in_linear_time():
    """markdown-it scans for a link label's end from every "[": 100,000 of them took minutes."""
    from cleaner.io.markdown import build

    start = time.monotonic()
    doc = build("A page with a [link](https://example.com) in it.\n\n" + "[" * 200_000 + "\n")
    assert time.monotonic() - start < GENEROUS
    assert doc.lines[0].text == "A page with a link in it." and doc.lines[-1].text == "[" * 200_000


def test_a_page_opening_with_many_comments_is_sniffed_in_linear_time():
    """`read._HTML_START` let ``(<!--.*?-->\\s*)*`` split a run of comments in every way: 25
    comments before a non-HTML start took 17 s, 30 minutes. Run in a child so a regression fails
    by its timeout instead of hanging the suite."""
    import subprocess
    import sys

    code = ("from cleaner.io.formats import detect; from cleaner.io.read import looks_like_html;"
            "t = '<!--a-->' * 500 + 'plain words'; assert not looks_like_html(t); assert detect(t.encode()) == 'text';"
            "assert looks_like_html('<!--a-->' * 500 + '<html>') and looks_like_html('<!-- a --> <div><p>x</p></div>')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=GENEROUS)
