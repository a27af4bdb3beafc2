"""Markdown in and out: the reader (`cleaner.io.markdown`), its detection, Markdown output
(`render.markdown`), and the input format through the API and the command line.

The goldens under tests/test_markdown/ were read before they were committed: for each page of
tests/markdown/, `NAME.md` is `cleaner clean NAME.md --format markdown` (what today's decisions
keep: they drop the guide's table and its last paragraphs, and the news page's last timetable
item and paragraph, which a better decision would keep), and `NAME.parsed.md` the Markdown of
every line read, before any decision (the reader and the renderer alone). Regenerate with
`pytest tests/test_markdown.py --force-regen` and read them again.
"""

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, clean, render
from cleaner.io import markdown
from cleaner.document import Document, Line
from cleaner.decide.normalize import normalize_line
from cleaner.render.review import annotated

from conftest import ARTICLE, BODY, run_cli as run

PAGES = sorted((Path(__file__).parent / "markdown").glob("*.md"))
SETTINGS = settings(max_examples=int(os.environ.get("CLEANER_EXAMPLES", "200")), deadline=None)

NAV = "  * [Home](/)\n  * [World](/world/)\n  * [Sport](https://example.org/sport \"Sport\")\n"
PROSE = ("The council voted on Tuesday to rebuild the old bridge over the river, after a survey found "
         "cracks in two of its three arches and a third of the town crosses it every day.")
LINKED = ("The [budget committee](https://example.org/committee) said the work would start in May "
          "and take two years, with one lane open to traffic while it lasts.")
PAGE = f"{NAV}\n# Town to rebuild the old bridge\n\n{PROSE}\n\n{LINKED}\n\n![The bridge at dawn](/img/bridge.jpg)\n"


def lines(md: str) -> list[Line]:
    return markdown.build(md).lines


def texts(md: str) -> list[str]:
    return [ln.text for ln in lines(md)]


# --- reading ------------------------------------------------------------------------------------

def test_nav_list_of_links_is_items_all_link():
    assert [(ln.kind, ln.level, ln.text, ln.link_share) for ln in lines(NAV)] == [
        ("item", 1, "Home", 1.0), ("item", 1, "World", 1.0), ("item", 1, "Sport", 1.0)]
    assert lines(NAV)[2].links == [(0, 5, "https://example.org/sport")]


def test_paragraph_with_inline_link_keeps_its_words_without_the_url():
    line = lines(LINKED)[0]
    assert line.text == LINKED.replace("[budget committee](https://example.org/committee)", "budget committee")
    assert line.kind == "" and 0 < line.link_share < 0.2
    assert line.text[slice(*line.links[0][:2])] == "budget committee"
    result = clean(PAGE)
    assert LINKED.replace("[budget committee](https://example.org/committee)", "budget committee") in result.text
    assert "example.org" not in result.text and "](" not in result.text
    assert result.title == "Town to rebuild the old bridge"


def test_image_only_line_is_an_image_line_with_its_alt_text():
    assert [(ln.kind, ln.text, ln.link_share) for ln in lines(
        "![The bridge at dawn](/img/b.jpg)\n\n[![Logo](/logo.png)](/)\n\n![](/spacer.gif)")] == [
        ("image", "The bridge at dawn", 0.0), ("image", "Logo", 1.0)]
    assert texts("Before ![a chart](c.png) after the chart.") == ["Before after the chart."]
    assert "The bridge at dawn" not in render.markdown(markdown.build(PAGE))


def test_escapes_are_undone_and_emphasis_markers_dropped():
    assert texts(r"Prices rose 5\% \*before\* the **vote**, _said_ the \_clerk\_ on 1\. May \[2024\].") == [
        "Prices rose 5% *before* the vote, said the _clerk_ on 1. May [2024]."]
    assert texts("Entities: AT&amp;T &copy; and `code_with_underscores` and ~~struck~~ text.") == [
        "Entities: AT&T © and code_with_underscores and struck text."]


def test_headings_lists_quotes_and_code_say_their_kind():
    md = ("## Results\n\n1. First step\n2. Second step\n    - a nested point\n\n> A quoted line\n\n"
          "```python\nx = 1\n    y = 2\n```\n")
    assert [(ln.kind, ln.level, ln.ordinal, ln.text) for ln in lines(md)] == [
        ("heading", 2, None, "Results"), ("item", 1, 1, "First step"), ("item", 1, 2, "Second step"),
        ("item", 2, None, "a nested point"), ("quote", 0, None, "A quoted line"), ("code", 0, None, "x = 1\n    y = 2")]


def test_table_rows_are_lines_and_a_table_in_markdown_output():
    md = "| Team | Points |\n|---|---|\n| [Rovers](/rovers) | 12 |\n| United | |\n"
    assert [(ln.kind, ln.level, ln.text) for ln in lines(md)] == [
        ("table", 2, "Team | Points"), ("table", 2, "Rovers | 12"), ("table", 2, "United |")]
    assert render.markdown(markdown.build(md)) == "| Team | Points |\n| --- | --- |\n| Rovers | 12 |\n| United |  |"
    assert "| [Rovers](/rovers) | 12 |" in render.markdown(markdown.build(md), links=True)


def test_line_numbers_point_at_the_source_lines():
    md = "# Title\n\nFirst line of a block\nsecond line of it\n\n  * item\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert [(ln.start, ln.end, ln.blank_before) for ln in lines(md)] == [
        (0, 1, True), (2, 3, True), (3, 4, False), (5, 6, True), (7, 8, True), (9, 10, False)]
    doc = markdown.build(md)
    doc.lines[3].drop("test.rule")
    assert "6 - test.rule" in annotated(doc).replace("  ", " ")


def test_hard_wrapped_paragraphs_are_one_line_but_scrapers_lines_stay_apart():
    wrapped = "\n\n".join("\n".join([
        "The harbour office said on Tuesday that the new pier would open in May,",
        "ahead of time and under budget, and that ferries would run every half",
        "hour from the first week, with more boats at weekends in the summer.",
    ]) for _ in range(3))
    assert len(lines(wrapped)) == 3 and lines(wrapped)[0].end == 3
    scraped = "Posted by Ann\n12 May 2024\nShare this"
    assert texts(scraped) == ["Posted by Ann", "12 May 2024", "Share this"]


def test_chinese_markdown_reads_without_link_syntax_or_spaces():
    md = ("# 韩国女主播是非不断\n\n[环球网](http://www.huanqiu.com \"环球网\")>[中国](http://china.huanqiu.com)>正文\n\n"
          "韩国遭禁播“裸体[新闻](http://www.huanqiu.com/)”画面曝光。据悉，韩国由女主持人主持节目的新闻已经于"
          "在首尔举行了开播仪式，仪式上被选拔出的主持人亮相。\n")
    doc = markdown.build(md)
    assert doc.language == "Chinese"
    assert [ln.text for ln in doc.lines][1:] == [
        "环球网>中国>正文", "韩国遭禁播“裸体新闻”画面曝光。据悉，韩国由女主持人主持节目的新闻已经于在首尔举行了开播仪式，仪式上被选拔出的主持人亮相。"]
    assert doc.lines[1].link_share == pytest.approx(5 / 9, abs=1e-4)
    result = clean(md)
    assert "韩国遭禁播“裸体新闻”画面曝光" in result.text and "huanqiu" not in result.text


def test_html2text_quirks():
    # a link around blocks: the bracket and target go, the blocks between are the link's text
    around = lines("Intro text here\n\n[\n\n  * 5 minutes ago\n\n](https://example.org/story)\n\nAfter it")
    assert [(ln.text, ln.link_share) for ln in around] == [
        ("Intro text here", 0.0), ("5 minutes ago", 1.0), ("After it", 0.0)]
    # a link around a link, links side by side, empty emphasis, javascript targets, a break inside a link
    assert texts("[ ![img](i.png) Cup 4oz [Amber](/a)[Blue](/b) $29 ](/cup)") == ["Cup 4oz Amber Blue $29"]
    assert texts("  * Flipboard __\n  * [__Insurance  \nBPO](/bpo/)") == ["Flipboard", "Insurance", "BPO"]
    assert [(ln.text, ln.link_share) for ln in lines('[Print](javascript:print\\(\\) "Print") this')] == [
        ("Print this", pytest.approx(5 / 9, abs=1e-4))]
    # a share link whose target has spaces (not CommonMark, but html2text writes them)
    assert [(ln.text, ln.links) for ln in lines("Share [on LinkedIn](https://x.org/share?title=Big news) now")] == [
        ("Share on LinkedIn now", [(6, 17, "https://x.org/share?title=Big news")])]
    assert texts("See [that](not a url) here") == ["See [that](not a url) here"]
    # reference-style links: resolved, their definitions are not text
    assert [(ln.text, ln.link_share, ln.links) for ln in lines("Read [the report][1] today.\n\n[1]: https://x.org/r")] == [
        ("Read the report today.", pytest.approx(9 / 19, abs=1e-4), [(5, 15, "https://x.org/r")])]
    # raw HTML: tags of HTML elements dropped, scripts too, other "tags" are text
    assert texts("<div>Run <b>git</b> checkout <branch><script>track()</script><br>then push</div>") == [
        "Run git checkout <branch>", "then push"]


def test_nothing_the_parser_would_pass_over_is_lost():
    unclosed = lines("Before\n\n~~~~__\n\n[Next story](/next) and more words\n\n# A heading")
    assert [ln.text for ln in unclosed][-2:] == ["Next story and more words", "A heading"]
    assert unclosed[-1].kind == "heading"
    deep = texts("Before\n\n" + "*   " * (markdown.MAX_NESTING // 2 + 10) + "deep\n\nAfter the deep list")
    assert deep[0] == "Before" and deep[-1] == "After the deep list"


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789éü", min_size=1, max_size=8)
BLOCK = st.tuples(st.sampled_from(["", "# ", "  * ", "1. ", "> "]), st.lists(
    st.tuples(WORD, st.sampled_from(["plain", "link", "strong", "em", "code", "image"])), min_size=1, max_size=8))


@SETTINGS
@given(st.lists(BLOCK, min_size=1, max_size=6))
def test_every_word_of_every_block_survives_the_parse(blocks):
    wrap = {"plain": "{}", "link": "[{}](https://x.org/{})", "strong": "**{}**", "em": "_{}_", "code": "`{}`",
            "image": "![{}](/i.png)"}
    md = "\n\n".join(prefix + " ".join(wrap[how].format(w, w) for w, how in words) for prefix, words in blocks)
    read = " ".join(texts(md)).split()
    visible = [w for _, words in blocks for w, how in words if how != "image" or all(h == "image" for _, h in words)]
    assert read == visible


# --- detection ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name, expected", [
    (PAGE, "", True),
    ("Just a plain note, with no syntax at all.", "notes.md", True),
    ("# README\n\nSome **bold** words.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "", True),
    ("A plain sentence.\n\n* a bullet\n\n1. a numbered line\n\n#hashtag and C# and 5 * 3 * 2", "", False),
    ("# Create a repository\ngit init\n# Add a file\ngit add a.txt\n# Commit\ngit commit -m 'first'", "", False),
    ("def partial(func, /, *args, **keywords):\n    def newfunc(*more_args, **more_keywords):\n        pass", "", False),
    ("See [1](https://example.org) for the rules of the game.", "", False),
])
def test_markdown_is_told_from_plain_text(text, name, expected):
    assert markdown.looks_like_markdown(text, name) is expected


# --- Markdown output ----------------------------------------------------------------------------

def test_markdown_output_of_markdown_input_keeps_its_structure_and_drops_links_unless_asked():
    doc = markdown.build(f"## Results\n\n{LINKED}\n\n  * one\n    * nested\n\n> quoted\n\n1. first\n2. second\n")
    assert render.markdown(doc) == (
        "## Results\n\n" + LINKED.replace("[budget committee](https://example.org/committee)", "budget committee")
        + "\n\n- one\n    - nested\n\n> quoted\n\n1. first\n2. second")
    assert LINKED in render.markdown(doc, links=True)


def test_markdown_output_gives_the_title_once_and_body_headings_below_it():
    doc = markdown.build(f"# Bridge\n\n# Plans\n\n{PROSE}")
    doc.metadata["title"] = "Bridge"
    assert render.markdown(doc) == f"# Bridge\n\n## Plans\n\n{PROSE}"


def test_markdown_output_infers_structure_from_plain_text():
    prose = [PROSE.replace("Tuesday", day) for day in ("Monday", "Tuesday", "Friday")]
    text = [prose[0], "What happens next", prose[1], "• first point", "• second point", prose[2],
            "1. Not a list alone", "A closing line without a stop"]
    lines = [Line(t, i, i + 1) for i, t in enumerate(text)]
    assert render.markdown(Document("<t>", lines)) == (
        f"{prose[0]}\n\n## What happens next\n\n{prose[1]}\n\n- first point\n- second point\n\n{prose[2]}\n\n"
        "1\\. Not a list alone\n\nA closing line without a stop")


@SETTINGS
@given(st.lists(st.text(alphabet="ab #*_-+=>[]()!<>&;`~|\\.1)\u00e9\u4e2d", min_size=1, max_size=30), min_size=1,
                max_size=5), st.sampled_from(["", "heading", "item", "quote", "table"]))
def test_markdown_output_reads_back_as_the_same_text(strings, kind):
    kept = [normalize_line(s) for s in strings if normalize_line(s)]
    if kind == "table":
        kept = [s for s in kept if "|" not in s]
    doc = Document("<t>", [Line(s, i, i + 1, kind=kind, level=1, link_share=0.0) for i, s in enumerate(kept)])
    assert texts(render.markdown(doc)) == kept


# --- the input format: API and command line -----------------------------------------------------

def test_input_format_is_said_or_found_out():
    assert clean(PAGE).document.lines[0].kind == "item"
    assert clean(PAGE, input_format="text").document.lines[0].kind == ""
    assert clean(PAGE, html=False).document.lines[0].kind == ""  # the older way to say "text"
    assert clean("plain words only, nothing else", source="page.md").document.lines[0].link_share == 0.0
    with pytest.raises(ValueError, match="input_format"):
        Cleaner().clean(PAGE, input_format="rtf")


def test_cli_file_and_stdin_give_the_same_output(tmp_path):
    page = PAGES[0]
    for fmt in ("text", "markdown", "json"):
        from_file = run("clean", page, "--format", fmt)
        from_stdin = run("clean", "-", "--format", fmt, input=page.read_bytes())
        assert from_file.exit_code == from_stdin.exit_code == 0, from_file.output
        if fmt == "json":
            a, b = json.loads(from_file.output), json.loads(from_stdin.output)
            assert {**a, "source": None} == {**b, "source": None}
        else:
            assert from_file.output == from_stdin.output


def test_cli_markdown_output_files_and_links(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.md").write_text(PAGE)
    (src / "note.txt").write_text(ARTICLE)
    assert run("clean", src, "-o", tmp_path / "out", "--format", "markdown", "--links").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["note.md", "page.md"]
    assert "[budget committee](https://example.org/committee)" in (tmp_path / "out" / "page.md").read_text()
    assert (tmp_path / "out" / "note.md").read_text() == f"# Leaders agree to keep talking\n\n{BODY}\n"
    as_text = run("clean", src / "page.md", "--input-format", "text")
    assert "](https://example.org/committee)" in as_text.output


def test_cli_jsonl_with_markdown_text_field(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": 1, "text": PAGE}) + "\n" + json.dumps({"id": 2, "text": "[Home](/)"}) + "\n")
    res = run("clean", src, "--input-format", "jsonl", "--markdown", "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 0, res.output
    first, second = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert "budget committee said" in first["text"] and "example.org" not in first["text"]
    assert second["text"] == "Home"  # said to be Markdown: read as Markdown, though it does not look it
    res = run("clean", src, "--input-format", "jsonl", "--format", "markdown", "-o", tmp_path / "md.jsonl")
    assert json.loads((tmp_path / "md.jsonl").read_text().splitlines()[0])["text"].startswith("# Town to rebuild")
    by_suffix = run("clean", src, "--markdown", "-q")  # .jsonl: JSON lines without --input-format jsonl
    assert by_suffix.exit_code == 0, by_suffix.output
    assert [json.loads(x)["text"] for x in by_suffix.output.splitlines()][1] == "Home"
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    assert run("clean", page, "--markdown").exit_code == 2  # not JSON lines: --input-format markdown says it


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_markdown_output_golden(path, file_regression):
    res = run("clean", path, "--format", "markdown")
    assert res.exit_code == 0, res.output
    file_regression.check(res.output, basename=path.stem, extension=".md")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_markdown_of_every_line_read_golden(path, file_regression):
    file_regression.check(render.markdown(markdown.build(path.read_text(encoding="utf-8"))) + "\n",
                          basename=f"{path.stem}.parsed", extension=".md")


@SETTINGS
@given(st.text(alphabet="ab(\\)<> &%\t\n\x7f\x00/:\u00e9", max_size=14), st.data())
def test_the_fast_link_target_reader_answers_as_markdown_its_own(text, data):
    from markdown_it.helpers import parseLinkDestination

    pos = data.draw(st.integers(0, len(text)))
    maximum = data.draw(st.integers(pos, len(text)))
    mine, theirs = markdown.parser().helpers.parseLinkDestination(text, pos, maximum), parseLinkDestination(
        text, pos, maximum)
    assert (mine.ok, mine.pos, mine.str) == (theirs.ok, theirs.pos, theirs.str)


def test_link_targets_are_kept_as_written():
    doc = markdown.build("See [the Москва page](https://ru.wikipedia.org/wiki/Москва) and [this](a%20b).")
    assert [href for *_, href in doc.lines[0].links] == ["https://ru.wikipedia.org/wiki/Москва", "a%20b"]


@SETTINGS
@given(st.lists(st.tuples(st.text(alphabet="ab *_[]()<>\u4e2d", min_size=1, max_size=8),
                          st.one_of(st.none(), st.text(alphabet="/ab:()<> ?=&%#;\\", min_size=1, max_size=12))),
                min_size=1, max_size=6))
def test_markdown_output_with_links_reads_back_with_the_same_links(segments):
    text, links = "", []
    for words, href in segments:
        words = normalize_line(words)
        if not words:
            continue
        text += " " if text else ""
        if href is not None and href.strip() and not href.startswith("javascript:"):  # as the parser gives them
            links.append((len(text), len(text) + len(words), markdown.parser().normalizeLink(href.strip())))
        text += words
    if not text:
        return
    doc = Document("<t>", [Line(text, 0, 1, link_share=0.0, links=links or None)])
    back = markdown.build(render.markdown(doc, links=True)).lines
    assert [ln.text for ln in back] == [text]

    def linked(spans):  # each non-space character under a link, with its target
        return {i: href for s, e, href in spans or () for i in range(s, e) if not text[i].isspace()}

    assert linked(back[0].links) == linked(links)
