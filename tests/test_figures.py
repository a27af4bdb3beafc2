"""The compiled per-line figures (cleaner/decide/_figures.pyx) against their `regex` references."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.decide import evidence, features, language
from cleaner.decide.language import stoplist

STOPS = stoplist("English") | {"żaden", "σε"}

# the characters each figure looks at, and a few whose classes are odd (titlecase, combining marks,
# a letter outside the BMP, the line separator, an ideographic space)
ALPHABET = list("aAbB zZ.!?\"”’»)|•·/>–-:(c)C©019…。！？\n\t\u00a0ǅǄΣσεżŻŁ中文_@wİ²٣") + ["\u0301", "\u2028", "\U0001d400", "\u3000"]


def same(text: str) -> bool:
    return (evidence.shape_figures(text) == evidence.shape_reference(text)
            and features.word_counts(text, STOPS) == features.word_counts_reference(text, STOPS)
            and evidence.content_words_of(text, STOPS) == evidence.content_words_reference(text, STOPS)
            and language.words_of(text) == language.WORD.findall(text))


def test_the_compiled_figures_are_built_and_equal_the_references_on_the_seeds():
    assert evidence.shape_figures is not evidence.shape_reference, "cleaner/decide/_figures.pyx was not built"
    assert features.word_counts is not features.word_counts_reference
    lines = {ln for seed in Path("seeds").glob("*.txt") for raw in seed.read_text(encoding="utf-8").splitlines()
             for ln in (raw, raw.strip())}
    assert len(lines) > 100
    for line in lines:
        assert same(line), line


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=24) | st.text(max_size=24)
       | st.lists(st.sampled_from(["the", "Of", "żaden", "σε", "2019", " ", ", ", "Cats"]), max_size=8).map("".join))
def test_the_compiled_figures_equal_the_references_on_any_text(text):
    assert same(text)


def test_the_figures_each_case_was_written_for():
    """Both paths agree on what each figure counts (ellipsis 8, separators 10, copyright 12, glued
    words 13, sentence ends 14)."""
    cases = {("end…  ", 8): 1.0, ("x... y", 8): 0.0, ("Foo | Bar - Baz / Q", 10): 3.0, ("(C)  2019", 12): 1.0,
             ("(c)201", 12): 0.0, ("NewsSportWeather", 13): 2.0, ("a”B ", 13): 1.0, ("aB", 13): 1.0,
             ("Hi!\" Next. and", 14): 1.0, ("中文。测试！", 14): 2.0}
    for (text, figure), expected in cases.items():
        for shape in (evidence.shape_figures, evidence.shape_reference):
            assert shape(text)[figure] == expected, (text, shape)


def test_word_figures_count_what_they_were_written_for():
    for counts in (features.word_counts, features.word_counts_reference):
        assert counts("The 3 cats of 2019, and ٣", STOPS) == (7, 3, 3)  # "٣": an Arabic-Indic three
    for words in (evidence.content_words_of, evidence.content_words_reference):
        assert words("The Cats of ROME, 2019 rome", STOPS) == frozenset({"cats", "rome"})
