"""Every bundled rule's examples, and the validation of rule files."""

from pathlib import Path

import pytest

from cleaner.decide.rules import RuleError, RuleSet, example_failures, load_file, parse_rule

RULES = RuleSet.load()


def test_bundled_rules_load():
    assert len(RULES) >= 30
    assert {r.group for r in RULES.rules} >= {"nav", "caption", "tail", "meta"}


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    assert rule.match, f"{rule.id} has no match examples"
    assert example_failures(rule) == []


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_match_examples_resolve_to_a_rule_of_the_same_kind(rule):
    """The whole set, matched as in the pipeline, must act on each example as the rule says."""
    for ex in rule.match:
        hit = RULES.match(ex)
        assert hit is not None, ex
        assert hit[0].kind == rule.kind or hit[0].kind in ("field", "credit", "tail"), (ex, hit[0].id)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "r.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
[[rule]]
id = "x.thing"
kind = "drop"
description = "d"
pattern = '''^thing$'''
match = ["thing"]
"""


def test_user_rule_file_loads_and_matches(tmp_path):
    rs = RuleSet.load([write(tmp_path, GOOD)], defaults=False)
    assert RuleSet.match(rs, "Thing")[0].id == "x.thing"


def test_only_user_rules_run_under_a_timeout(tmp_path):
    """Bundled rules are probe-tested (test_reliability) and skip the timeout's cost; user rules keep it."""
    rs = RuleSet.load([write(tmp_path, GOOD)])
    assert [r.id for r in rs.rules if r.timed] == ["x.thing"]


@pytest.mark.parametrize("text, message", [
    (GOOD.replace('match = ["thing"]', ""), "needs at least one 'match' example"),
    (GOOD.replace("^thing$", "^(thing$"), "bad pattern"),
    (GOOD.replace('id = "x.thing"', 'id = "Thing"'), "'id' must be a dotted"),
    (GOOD.replace('kind = "drop"', 'kind = "zap"'), "'kind' must be one of"),
    (GOOD + "colour = 1\n", "unknown key(s) colour"),
    (GOOD + GOOD, "duplicate id"),
    ("[[rule]\nid=", "TOML syntax error"),
    (GOOD + 'contains = ["other"]\n', "match example 'thing' contains none of the 'contains' strings"),
    (GOOD + 'contains = [""]\n', "'contains' must not hold an empty string"),
])
def test_broken_rule_files_are_refused_with_file_and_rule(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(RuleError) as e:
        RuleSet.load([p], defaults=False)
    assert message in str(e.value)
    assert str(p) in str(e.value)


def test_contains_gates_a_rule_case_insensitively(tmp_path):
    text = GOOD.replace("^thing$", "widget").replace('match = ["thing"]', 'match = ["a widget"]')
    rs = RuleSet.load([write(tmp_path, text + 'contains = ["WIDGET"]\n')], defaults=False)
    assert rs.match("The Widget broke")[0].id == "x.thing"
    assert rs.match("The gadget broke") is None
    gated = rs.get("x.thing")
    assert gated.contains == ("widget",)
    assert not gated.may_apply("a gadget", 2) and gated.may_apply("a WIDGET", 2)


def test_rules_past_their_max_words_are_not_searched():
    rule = next(r for r in RULES.rules if r.max_words)
    assert rule.may_apply("word", 1)
    assert not rule.may_apply("word " * (rule.max_words + 1), rule.max_words + 1)


def test_field_rule_needs_field():
    with pytest.raises(RuleError, match="'field' is required"):
        parse_rule({"id": "m.x", "kind": "field", "description": "d", "pattern": "x", "match": ["x"]}, "f")


def test_disable_by_group_and_id():
    assert RuleSet.load(disabled=["caption"]).match("South Korea Ukraine. Picture: PA") is None
    rs = RuleSet.load(disabled=["nav.subscribe"])
    assert rs.match("SUBSCRIBE NOW") is None and rs.match("Get in Touch") is not None


def test_every_bundled_file_is_valid():
    from cleaner.decide.rules import default_rules_dir

    files = sorted(default_rules_dir().glob("*.toml"))
    assert {f.name for f in files} >= {"nav.toml", "captions.toml", "tails.toml", "metadata.toml"}
    for f in files:
        assert load_file(f)
