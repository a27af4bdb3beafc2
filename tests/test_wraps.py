"""Wrap repair: chunk cuts undone, hyphens and soft wraps joined, real paragraph ends kept."""

import pytest

from cleaner.decide.wraps import find_chunk_cuts, repair, should_glue, word_frequency


def texts(raw: str) -> list[str]:
    return [ln.text for ln in repair(raw)]


@pytest.mark.parametrize("raw, joined", [
    ("the deployment depending on the level o\nf military collaboration observed.", "level of military"),
    ("Following their discussion, Rutte share\nd on the social media platform X that the deployment.", "Rutte shared on"),
    ("This agreement, which took many years of inter-\nnational negotiation, was signed.", "international negotiation"),
    ("The treaty was described as a well-\nknown compromise between the two sides of the dispute.", "well-known compromise"),
    ("The minister said on Monday that the talks would go on \nfor another week at least.", "go on for another"),
    ("The minister said on Monday that the talks would go on\n for another week at least.", "go on for another"),
])
def test_broken_wraps_are_joined(raw, joined):
    out = texts(raw)
    assert len(out) == 1
    assert joined in out[0]


@pytest.mark.parametrize("raw", [
    "The talks ended on Monday.\nThe next round starts in May.",
    "Home\nnews\nsport",
    "No stories found.\nlogo",
    "Daily Tribune\ntribune.net.ph",
    "First paragraph ends here.\n\nsecond one starts in lower case.",
    # a layout renderer's indentation (inscriptis) is not a cut beside a space
    "        Home | News | Sport | Weather\n        Pandas in Chengdu start a life together\n"
    "          Twelve cubs left their mothers this week.",
    "      高清・图集 | 最新图片 | 国内聚焦\n      你的位置：新闻中心> 图片频道> 高清图",
])
def test_real_line_ends_stay(raw):
    assert len(texts(raw)) == len([ln for ln in raw.split("\n") if ln.strip()])


def test_soft_wrapped_prose_is_joined_but_paragraphs_stay():
    para1 = ("The committee met on Tuesday to discuss the budget for the coming year and agreed "
             "that spending on schools and hospitals should rise by four percent while other "
             "departments would see their budgets frozen until the spring review of the accounts.")
    para2 = ("Opposition members said the plan did not go far enough and called for a vote before "
             "the end of the month so that councils could plan their own spending in good time.")
    import textwrap

    raw = textwrap.fill(para1, 60) + "\n\n" + textwrap.fill(para2, 60)
    assert texts(raw) == [para1, para2]


def test_exact_chunk_cuts_restore_the_text():
    original = "\n\n".join(f"Paragraph {i} has some words in it, and “quotes” too." for i in range(120))
    data = original.encode()
    chunks, pos = [], 0
    while pos < len(data):  # a chunker that never splits a UTF-8 sequence
        end = min(pos + 1024, len(data))
        while end < len(data) and 0x80 <= data[end] < 0xC0:
            end -= 1
        chunks.append(data[pos:end])
        pos = end
    chunked = b"\n".join(chunks).decode()
    assert len(find_chunk_cuts(chunked)) == len(chunks) - 1
    assert texts(chunked) == texts(original)


def test_no_chunk_cuts_in_ordinary_text():
    text = "\n".join("Line number %d of an ordinary text." % i for i in range(400))
    assert find_chunk_cuts(text) == set()


def test_word_evidence():
    z = word_frequency("en")
    assert should_glue("o", "f", z) and should_glue("share", "d", z)
    assert not should_glue("brown", "fox", z) and not should_glue("the", "talks", z)


def test_joins_are_recorded():
    lines = repair("Following their discussion, Rutte share\nd on the platform.")
    assert [(j.by, j.glue) for j in lines[0].joins] == [("wrap.chunk-word", "")]


def test_cjk_break_is_glued_without_a_space():
    assert texts("日本の首相は月曜日に\n記者会見を開いた。") == ["日本の首相は月曜日に記者会見を開いた。"]


def test_languages_whose_wordfreq_tokenizer_is_missing_do_not_crash():
    z = word_frequency("zh")
    assert z("中国") >= 0.0
