"""Properties of `cleaner.clean` over arbitrary Unicode text and over generated documents.

Never raises; with `stable`, idempotent; every word of the output comes from the input (whitespace and the
hyphens of repaired wraps aside); the output invents no characters.
"""

import os
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, clean
from cleaner.decide.normalize import normalize_line, split_physical_lines
from cleaner.io.read import NotText, decode

# CLEANER_EXAMPLES=5000 pytest tests/test_properties.py searches harder than the default run.
SETTINGS = settings(max_examples=int(os.environ.get("CLEANER_EXAMPLES", "200")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Any character a str may hold in a file: everything but lone surrogates.
CHARS = st.characters(blacklist_categories=("Cs",))
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\n\n", "\r\n\r\n"])
JUNK = st.sampled_from([
    "SUBSCRIBE NOW", "Share this article", "Latest News", "Related Articles", "Advertisement",
    "Picture: PA", "Photo: Reuters/John Smith", "By Jane Doe", "27 November 2024, 12:04",
    "© 2024 The Daily Example. All rights reserved.", "Sign up to our newsletter", "Read more:",
    "Follow us on Twitter", "spot_img", "Cookie settings", "Accept all cookies", "Menu", "Home",
])
WORDS = st.sampled_from([
    "the", "minister", "said", "on", "Monday", "that", "talks", "would", "continue", "after",
    "a", "long", "meeting", "in", "Seoul", "where", "officials", "agreed", "inter-", "national",
    "trade", "o", "f", "über", "naïve", "café", "日本", "año", "Москва", "and", "security",
])


@st.composite
def prose(draw) -> str:
    """A sentence-like line: words, sometimes cut mid-word like a chunking scraper does."""
    words = draw(st.lists(WORDS, min_size=3, max_size=30))
    end = draw(st.sampled_from([".", "", "!", "?", ":"]))
    return " ".join(words).capitalize() + end


LINE = st.one_of(
    prose(),
    JUNK,
    st.just(""),
    st.sampled_from([" ", "\t", "\u00a0", "   "]),
    st.text(CHARS, max_size=40),
)


@st.composite
def documents(draw) -> str:
    """A document built from lines (prose, junk, blank, whitespace, arbitrary text) and mixed endings."""
    lines = draw(st.lists(LINE, max_size=30))
    out = []
    for line in lines:
        out.append(line)
        out.append(draw(LINE_ENDS))
    return "".join(out)


TEXTS = st.one_of(documents(), st.text(CHARS, max_size=300))
_GAPS = regex.compile(r"[\s\-\u00ad\u2010\u2011]+")


def squeezed(text: str) -> str:
    """`text` as the pipeline canonicalizes it (lines normalized), then without whitespace and
    hyphens (repaired wraps join pieces and drop the hyphen of a broken word). NFC comes first:
    after the gaps are gone, combining marks of two words would be put in another order."""
    lines = "".join(normalize_line(ln) for ln in split_physical_lines(text))
    return _GAPS.sub("", unicodedata.normalize("NFC", lines))


@SETTINGS
@given(TEXTS)
def test_clean_never_raises(text):
    result = clean(text)
    assert isinstance(result.text, str)


STABLE = Cleaner(stable=True)


@SETTINGS
@given(TEXTS)
@example("The the the\n0:0:0\n")  # once: a lone short line became the title and the body was empty
@example("The the the.\nThe the the the\nThe the the the the\n")  # once: a second headline became the title
@example("The said said.\n0\nThe the the\nThe the said\nThe the the the\nThe the minister\n"
         "The the the the the the the the the the the the the minister minister minister said monday monday "
         "monday monday monday monday monday monday monday monday monday monday monday\n")  # once: settling stopped after 3 rounds
def test_stable_cleaning_is_idempotent(text):
    once = STABLE.clean(text).text
    assert STABLE.clean(once).text == once


@pytest.mark.parametrize("seed", sorted((Path(__file__).parent.parent / "seeds").glob("*.txt")), ids=lambda p: p.name[:3])
def test_a_cleaned_article_cleaned_again_comes_back_unchanged(seed):
    """Cleaning is one pass (no settling rounds): on real articles its output is already clean."""
    once = clean(seed.read_text(encoding="utf-8")).text
    assert clean(once).text == once


@SETTINGS
@given(TEXTS)
@example("0\u0339 \u0334")  # once: the helper's NFC after removing the space reordered the two marks
def test_every_output_word_comes_from_the_input(text):
    source = squeezed(text)
    for token in clean(text).text.split():
        assert squeezed(token) in source, token


@SETTINGS
@given(TEXTS)
def test_output_invents_nothing(text):
    out = clean(text).text
    assert len(squeezed(out)) <= len(squeezed(text))
    # Whitespace may grow only by the paragraph breaks (one blank line between kept lines).
    assert len(out) <= len(text) + out.count("\n\n") + 1


@SETTINGS
@given(st.binary(max_size=2000))
def test_decode_gives_text_or_says_why(data):
    try:
        text = decode(data)
    except NotText as e:
        assert str(e).startswith("binary data (")
    else:
        assert isinstance(text, str)
        clean(text)
