"""The RE2 prefilter must report every rule that can match a line (a superset), or rules are lost."""

import random

import re2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.decide.prefilter import Prefilter, Untranslatable, translate
from cleaner.decide.regex_syntax import pieces
from cleaner.decide.rules import RuleSet, _anchored, _scoped

RULES = RuleSet.load()
ORDERED = RULES._ordered
PREFILTER = RULES._prefilter  # as shipped: anchored rules matched from the start, the others searched
# characters where `regex` and RE2 differ: non-ASCII letters, digits and spaces, case pairs that fold
# oddly (Kelvin sign, long s, dotted I), separators `regex` may read as space
ODD = "éÉßẞſKİıçÇøØ٣३ \u00a0\u2009\u3000\x1c\x1f\u2019\u201c·–—|/()©:,.-_'\"0123456789"


def test_every_bundled_rule_translates():
    assert not PREFILTER.always, [ORDERED[k].id for k in PREFILTER.always]


@pytest.mark.parametrize("k", range(len(ORDERED)), ids=[r.id for r in ORDERED])
def test_every_example_a_rule_matches_is_reported(k):
    rule = ORDERED[k]
    for text in rule.match + tuple(t for t in rule.no_match if rule.compiled.search(t)):
        assert k in PREFILTER.possible(text), (rule.id, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(ORDERED))), st.data())
def test_around_the_examples_every_rule_that_matches_is_reported(k, data):
    """Examples with odd characters added around them and within them: wherever `regex` finds the
    rule, RE2 reports it."""
    rule = ORDERED[k]
    text = data.draw(st.sampled_from(rule.match))
    odd = st.text(alphabet=ODD, max_size=4)
    at = data.draw(st.integers(0, len(text)))
    text = data.draw(odd) + text[:at] + data.draw(odd) + text[at:] + data.draw(odd)
    if data.draw(st.booleans()):
        text = text.upper() if data.draw(st.booleans()) else text.lower()
    possible = PREFILTER.possible(text)
    for j, other in enumerate(ORDERED):
        if other.compiled.search(text):
            assert possible is None or j in possible, (other.id, text)


def test_a_translation_matches_more_never_less():
    assert re2.search(translate(r"^\w+(?<=é)$"), "café")  # \w beyond ASCII; the look-behind dropped
    assert re2.search(translate(r"^(?>a+)b\b"), "aab")  # atomic group and word boundary
    assert re2.search(translate(r"^x{,2}y$"), "xxy")  # `regex`'s {,n} is {0,n}
    assert re2.search(translate(r"^[^\d]+$"), "٣")  # a negated class with \d: every character
    assert not re2.search(translate(r"^\p{Lu}x"), "ax")  # a property stays exact on ASCII
    assert re2.search(translate(r"^\p{Lu}x"), "Éx")
    assert re2.search(translate(r"^end$"), "end\n")  # `regex`'s $ before a final newline


def test_an_untranslatable_rule_is_always_reported():
    with pytest.raises(Untranslatable):
        translate(r"^(a)\1$")
    with pytest.raises(Untranslatable):
        translate(r"^(?:subscribe){e<=1}$")  # `regex`'s fuzzy matching
    pf = Prefilter([r"^(a)\1$", r"^zz$", r"yy"], anchored=[True, True, False])
    assert pf.always == {0}
    assert pf.possible("nothing here") == {0}
    assert pf.possible("zz") == {0, 1}
    assert pf.possible("a zz") == {0}  # anchored: at the start only
    assert pf.possible("a zz yy") == {0, 2}


def test_a_line_re2_cannot_read_is_matched_rule_by_rule():
    assert PREFILTER.possible("SUBSCRIBE NOW \ud800") is None
    hit = RuleSet.load().match("SUBSCRIBE NOW \ud800")
    assert hit is not None and hit[0].id.startswith("nav.")


def test_lines_beyond_ascii_meet_the_same_patterns_in_smaller_sets():
    """ASCII lines are matched by one set of the anchored patterns, the others by sets of at most
    BEYOND_ASCII_SET of them (the whole set's automaton outgrows its memory on Cyrillic): both
    report the same patterns, and every pattern sits in one small set under its own index."""
    pf = Prefilter([rf"^w{k}x" for k in range(25)] + [r"y\d"], anchored=[True] * 25 + [False])
    assert len(pf._beyond_ascii) > len(pf._ascii)
    assert pf.possible("w17x and y2") == pf.possible("w17x and y2 é") == {17, 25}
    assert pf.possible("w3x") == pf.possible("w3xй") == {3}
    assert pf.possible("только текст") == pf.possible("just text") == frozenset()
    for k, rule in enumerate(ORDERED):
        for text in rule.match:
            if text.isascii():
                data = text.encode()
                small = {slot[h] for s, slot in PREFILTER._beyond_ascii for h in s.Match(data) or ()}
                assert small == set(PREFILTER.possible(text)), (rule.id, text)


def test_random_lines_of_mixed_scripts_meet_every_pattern_one_set_per_rule_reports():
    """The sets' automata must not run out of memory and answer "no pattern" (RE2 then says
    nothing): on long lines mixing scripts, the prefilter reports what a set of one rule reports."""
    rng = random.Random(1)
    alphabets = ["абвгдежзийклмнопрстуфхцчшщыэюя", "αβγδεζηθικλμνξοπρστυφχψω", "中国的一是不了人我在有他这为之大",
                 "éàüößçñ", "abcdefghijklmnopqrstuvwxyz", "     ", "0123456789", ".,:;!?-|/()«»“”", "ÀÉÎÕÜАБΔΣ"]
    singles = [(k, Prefilter([_scoped(r.pattern, r.case_sensitive)], [_anchored(r.pattern)]))
               for k, r in enumerate(ORDERED)]
    for _ in range(1500):
        line = "".join(rng.choice(rng.choice(alphabets)) for _ in range(rng.choice([20, 60, 200, 800])))
        line = rng.choice(["", "By ", "Share ", "Автор: ", "Reuters / ", "Фото: "]) + line
        expected = {k for k, one in singles if one.possible(line)}
        assert expected <= PREFILTER.possible(line), line[:60]


@pytest.mark.parametrize("pattern, verbose, expected", [
    (r"a\|b[|(]c", False, [("a", False), (r"\|", False), ("b", False), ("[", False), ("|", True), ("(", True),
                           ("]", True), ("c", False)]),
    ("[]a][^]b]", False, [("[]", False), ("a", True), ("]", True), ("[^]", False), ("b", True), ("]", True)]),
    ("a # a comment [with a bracket\n [ #]b", True, [("a", False), ("[", False), (" ", True), ("#", True),
                                                      ("]", True), ("b", False)]),
])
def test_a_pattern_is_read_piece_by_piece(pattern, verbose, expected):
    assert list(pieces(pattern, verbose)) == expected
