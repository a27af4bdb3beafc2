"""The HTML front door: golden records of small pages written for these tests, encodings, the
candidate extractions and the chooser, and hostile pages.

The goldens under tests/test_html/ were read before they were committed; regenerate with
`pytest tests/test_html.py --force-regen` and read them again.
"""

import json
from pathlib import Path

import pytest

from cleaner import Cleaner, clean
from cleaner.html import chooser, extractors
from cleaner import html as page

PAGES = sorted((Path(__file__).parent / "html").glob("*.html"))
ARTICLE = ("<p>The river ferry will run every half hour from May, the harbour office said on Tuesday, "
           "after the new pier was finished ahead of time and under budget.</p>")


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_page_record(cleaner, path, file_regression):
    rec = cleaner.clean(path.read_bytes(), source=path.name).to_dict()
    file_regression.check(json.dumps(rec, indent=1, ensure_ascii=False) + "\n", basename=path.stem,
                          extension=".json")


def test_page_metadata_uses_text_path_field_names(cleaner):
    rec = cleaner.clean((Path(__file__).parent / "html" / "byline.html").read_bytes(), "byline.html").to_dict()
    assert (rec["title"], rec["author"], rec["date"]) == (
        "Orchard growers expect a record apple harvest", "Maria Lindqvist", "2024-09-14")
    assert "By Maria Lindqvist" not in rec["text"]
    rec = cleaner.clean((Path(__file__).parent / "html" / "figure_caption.html").read_bytes(), "f.html").to_dict()
    assert rec["sitename"] == "The Coastal Gazette" and rec["url"] == "https://gazette.example/news/sea-wall"


def test_caption_is_removed_with_its_rule_and_paragraph_before_is_kept(cleaner):
    result = cleaner.clean((Path(__file__).parent / "html" / "figure_caption.html").read_bytes(), "f.html")
    assert "Anna Berg" not in result.text
    assert "The council said the repair" in result.text
    assert {r["by"] for r in result.removed if "Anna Berg" in r["text"]} == {"caption.credit.agency-parens"}


def test_page_trafilatura_finds_nothing_in_falls_back_to_visible_text(cleaner):
    result = cleaner.clean((Path(__file__).parent / "html" / "trafilatura_none.html").read_bytes(), "g.html")
    assert result.text.startswith("Thank you for the wonderful concert")
    assert result.warnings and result.warnings[0].startswith(page.FALLBACK_VISIBLE)


def test_html_is_chosen_by_content_or_extension_and_can_be_forbidden():
    doc = f"  \n<!DOCTYPE html><html><body>{ARTICLE}</body></html>"
    assert clean(doc.encode("utf-8-sig")).text.startswith("The river ferry")
    assert clean(doc.encode("utf-16")).text.startswith("The river ferry")
    assert clean(ARTICLE, source="notice.htm").text.startswith("The river ferry")
    assert clean(ARTICLE, html=False).text.startswith("<p>")


@pytest.mark.parametrize("data, expected", [
    # declared latin-1 (read as Windows-1252, as browsers do: 0x80 is the euro sign)
    ('<meta charset="iso-8859-1"><p>Café prices rose by 3 \u20ac.</p>'.encode("cp1252"), "Café prices rose by 3 \u20ac."),
    # http-equiv declaration of a Cyrillic single-byte charset
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Новости дня</p>'.encode("cp1251"),
     "Новости дня"),
    # wrong declaration: says latin-1, is UTF-8
    ('<meta charset="iso-8859-1"><p>Café naïve</p>'.encode("utf-8"), "Café naïve"),
    # wrong declaration: says UTF-8, is Windows-1252; an unknown label is ignored
    ('<meta charset="utf-8"><p>Café crème brûlée</p>'.encode("cp1252"), "Café crème brûlée"),
    ('<meta charset="x-no-such-charset"><p>Café</p>'.encode("utf-8"), "Café"),
    # a UTF-16 label on a page without a BOM means UTF-8 (as browsers read it)
    ('<meta charset="utf-16"><p>Café au lait</p>'.encode("utf-8"), "Café au lait"),
    # a BOM wins over the declaration
    ('\ufeff<meta charset="iso-8859-1"><p>Café</p>'.encode("utf-8"), "Café"),
    ('<meta charset="iso-8859-1"><p>Café</p>'.encode("utf-16"), "Café"),
])
def test_decode(data, expected):
    assert expected in page.decode(data)


def test_latin1_page_cleans_to_correct_text(cleaner):
    data = ('<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>T</title></head><body><article>'
            + ARTICLE.replace("river ferry", "rivière ferry") * 3 + "</article></body></html>").encode("cp1252")
    assert "rivière ferry" in cleaner.clean(data).text


def test_xml_declaration_and_empty_pages_do_not_stop_the_html_path():
    xhtml = f'<?xml version="1.0" encoding="utf-8"?>\n<html><body>{ARTICLE}</body></html>'
    assert clean(xhtml, html=True).text.startswith("The river ferry")
    empty = clean(b"<html></html>", html=True)
    assert empty.text == "" and empty.warnings[0].startswith(page.FALLBACK_VISIBLE)


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_page_keeps_its_text_and_warns_past_the_parser_s_limit(depth):
    html = ("<html><body>" + "<p>The council met on Monday, officials said in the evening.</p>" * 5 + "<div>" * depth
            + "".join(f"<p>Paragraph {i} of the deep part, officials said on Monday.</p>" for i in range(20))
            + "</body></html>")
    result = clean(html, source="deep.html")
    assert all(f"Paragraph {i} of the deep part" in result.text for i in range(20))
    assert any(w.startswith(page.TOO_DEEP) for w in result.warnings) == (depth > extractors.MAX_DEPTH)


def test_cli_honours_the_declared_charset_of_an_html_file(tmp_path):
    from conftest import run_cli

    sentence = "Правительство объявило о новых мерах поддержки экономики в понедельник, сообщили чиновники."
    page = tmp_path / "ru.html"
    page.write_bytes(b'<html><head><meta charset="windows-1251"></head><body><p>' + sentence.encode("cp1251")
                     + b"</p></body></html>")
    res = run_cli("clean", page)
    assert res.exit_code == 0 and sentence in res.output


def test_text_after_comments_inside_links_is_kept(cleaner):
    """On a tree that keeps comments (React writes ``<!-- -->`` between text pieces), trafilatura
    drops the text after a comment inside a link; the page is parsed without them."""
    result = cleaner.clean((Path(__file__).parent / "html" / "link_tails.html").read_bytes(), "l.html")
    for app in ("Obsidian", "Anytype", "Logseq", "Joplin"):
        assert f"{app} alternatives are listed on its page." in result.text


def test_control_characters_and_lone_surrogates_are_cleaned_not_failed(cleaner):
    html = ("<html><body><article>" + ARTICLE.replace("river ferry", "river\x00 ferry\x0b").replace("May", "May\ud800")
            + ARTICLE.replace("river", "\x1bcanal") + "</article></body></html>")
    result = cleaner.clean(html, html=True)
    assert "The river ferry will run" in result.text and "canal ferry" in result.text


def test_the_extraction_alone_takes_lone_surrogates_and_control_characters():
    """`html.extract` is called with text no API call has checked (benchmarks, tests): it removes
    what lxml and resiliparse cannot hold (resiliparse cannot encode a lone surrogate) itself."""
    html = ("<html><body><article>" + ARTICLE.replace("May", "May\x1b") + ARTICLE.replace("Tuesday", "Tuesday\ud800")
            + "</article></body></html>")
    text = page.extract(html).text
    assert "The river ferry will run every half hour from May" in text
    text.encode("utf-8")  # no surrogate left


def test_a_page_of_only_a_table_of_links_is_not_empty(cleaner):
    result = cleaner.clean((Path(__file__).parent / "html" / "link_table.html").read_bytes(), "t.html")
    assert "Line 2: Old Town to University" in result.text


def test_lines_without_words_are_left_out():
    assert extractors.paragraphs("First line.\n-\n - \n*\n---\nSecond line.") == "First line.\nSecond line."


def test_embedded_post_in_an_article_is_kept(cleaner):
    result = cleaner.clean((Path(__file__).parent / "html" / "embedded_post.html").read_bytes(), "e.html")
    assert "cut the drive to the hospital by twenty minutes" in result.text
    assert "The council will hold two public meetings" in result.text


def test_metadata_is_read_only_when_asked_and_the_text_does_not_depend_on_it(cleaner):
    data = (Path(__file__).parent / "html" / "byline.html").read_bytes()
    full, lean = cleaner.clean(data, "b.html"), cleaner.clean(data, "b.html", metadata=False)
    assert lean.text == full.text and lean.title == full.title
    assert full.author == "Maria Lindqvist" and lean.author is None and lean.date is None


def test_fast_uses_trafilatura_alone():
    html = (Path(__file__).parent / "html" / "related.html").read_text()
    assert page.extract(html, fast=True).chosen == page.FAST
    assert Cleaner(fast=True).clean(html, html=True).text.startswith("The central library will stay open")


def test_trafilatura_s_own_readability_pass_is_captured():
    html = (Path(__file__).parent / "html" / "related.html").read_text()
    text, inner = extractors.trafilatura(extractors.parse(html)[0])
    assert "The central library will stay open" in text and "The central library will stay open" in inner


def test_chooser_predicts_with_the_shipped_trees_and_never_chooses_an_empty_candidate():
    model = {"features": ["log_words"], "candidates": ["a", "b"], "base": 0.5, "rate": 0.1,
             # one tree: a candidate of more than about 20 words scores higher; candidate "b" higher still
             "trees": [[0, 3.0, [-1.0], [2, 0.5, [1.0], [2.0]]]]}
    hints = chooser.PageHints(visible_words=100)
    long, short = "word " * 30, "word " * 5
    assert chooser.choose({"a": long, "b": short}, hints, model) == "a"
    assert chooser.choose({"a": long, "b": long}, hints, model) == "b"
    assert chooser.choose({"a": "", "b": short}, hints, model) == "b"


def test_shipped_chooser_names_the_runtime_candidates():
    model = chooser.load_model()
    assert model["candidates"] == [*extractors.CANDIDATES, "visible"]
    feats = chooser.features({"a": "One line of text here.", "b": ""}, chooser.PageHints())
    assert set(model["features"]) == set(feats["a"])


# Hostile pages (issue 11): each must finish in seconds, keep its text and say what it gave up.
HOSTILE_TEXT = "".join(f"<p>Paragraph {i} of the story, officials said on Monday evening.</p>" for i in range(5))


@pytest.mark.parametrize("shape, warning", [
    ("<p " + " ".join(f"a{i}=x" for i in range(300_000)) + ">x</p>", "html.bounded"),  # libxml2: minutes
    ("<script>" * 100_000, None),  # the old fallback's regexes: minutes
    ("<div>" * 3000 + "<" * 2_000_000, page.TOO_DEEP),  # resiliparse's main content: 45 s
], ids=["300k-attributes", "100k-unclosed-script", "nested-3000-then-2M-lt"])
def test_hostile_pages_finish_keep_their_text_and_warn(shape, warning):
    import time

    start = time.perf_counter()
    result = clean("<html><body>" + HOSTILE_TEXT + shape + "</body></html>", html=True)
    assert time.perf_counter() - start < 30
    assert all(f"Paragraph {i} of the story" in result.text for i in range(5))
    if warning:
        assert any(w.startswith(warning) for w in result.warnings)


def test_a_lone_h1_that_is_the_site_s_logo_is_not_the_title(cleaner):
    html = ("<html><head><title>엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유 - Entermedia</title></head><body>"
            '<h1 id="site-title"><a href="/">엔터 미디어</a></h1><article>' + ARTICLE + "</article></body></html>")
    assert cleaner.clean(html, html=True).title == "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유"


# ---- HTML fragments ----------------------------------------------------------------------------------

FRAGMENT = ('<div class="post"><h2>Ferry times change in May</h2>' + ARTICLE
            + "<p>The harbour office will print new timetables for the summer and put them up at the pier.</p></div>")


def test_an_html_fragment_is_cleaned_as_html_by_the_api_and_the_cli(tmp_path):
    """Main read a fragment (no doctype, no ``<html>``) as plain text: its tags came out as text."""
    from conftest import run_cli

    result = clean(FRAGMENT)
    assert "The river ferry will run every half hour" in result.text and "<p>" not in result.text
    (tmp_path / "post.txt").write_text(FRAGMENT)
    for res in (run_cli("clean", tmp_path / "post.txt"), run_cli("clean", "-", input=FRAGMENT)):
        assert res.exit_code == 0 and "The river ferry will run" in res.output and "<div" not in res.output


def test_a_markdown_readme_opening_with_an_html_block_stays_markdown():
    """A fragment's start alone is not HTML when the text spells Markdown's constructs."""
    from cleaner.io.formats import detect

    readme = ('<p align="center"><img src="logo.png" alt="Tool"></p>\n\n# Tool\n\nTool cleans pages; see '
              "[the docs](https://tool.example/docs) and [the changelog](https://tool.example/changes).\n\n"
              "## Install\n\n- **pip**: `pip install tool`\n- **conda**: `conda install tool`\n")
    assert detect(readme) == "markdown" and detect(readme.encode()) == "markdown"
    assert detect(readme, "README.html") == "html"
    assert detect(FRAGMENT) == "html"


# ---- metadata: read when the output shows it ----------------------------------------------------------

BYLINE = Path(__file__).parent / "html" / "byline.html"


def test_the_cli_reads_metadata_only_for_outputs_that_show_it(tmp_path, monkeypatch):
    """Bare text and Markdown show at most the title (always read); JSON, explain and
    --with-metadata show author and date, and get them."""
    from conftest import run_cli

    calls = []
    real = extractors.metadata
    monkeypatch.setattr(extractors, "metadata", lambda tree: calls.append(1) or real(tree))
    for args, shown in ((("--format", "text"), False), (("--format", "markdown"), False),
                        (("--format", "json"), True), (("--format", "explain"), True), (("--with-metadata",), True)):
        calls.clear()
        res = run_cli("clean", BYLINE, *args, "--jobs", "1")
        assert res.exit_code == 0, res.output
        assert bool(calls) == shown, args
        assert ("Maria Lindqvist" in res.output) == shown, args
    res = run_cli("clean", BYLINE, "--format", "json")
    rec = json.loads(res.output)
    assert (rec["author"], rec["date"]) == ("Maria Lindqvist", "2024-09-14")


def test_json_lines_records_of_html_pages_have_title_author_and_date(tmp_path):
    from conftest import run_cli

    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": "b", "text": BYLINE.read_text()}) + "\n")
    res = run_cli("clean", src, "--html", "-o", tmp_path / "out.jsonl")
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "out.jsonl").read_text())["cleaner"]
    assert (meta["title"], meta["author"], meta["date"]) == (
        "Orchard growers expect a record apple harvest", "Maria Lindqvist", "2024-09-14")


def test_with_templates_the_canonical_url_names_the_site_even_without_metadata():
    """The pass that counts templates builds pages with their metadata; the cleaning pass must
    find the same site (the canonical URL's host) when the output needs no metadata."""
    from cleaner.decide.templates import Templates

    data = (Path(__file__).parent / "html" / "figure_caption.html").read_bytes()
    lean = Cleaner().clean(data, "f.html", metadata=False)
    assert "url" not in lean.metadata
    with_templates = Cleaner(templates=Templates()).clean(data, "f.html", metadata=False)
    assert with_templates.metadata["url"] == "https://gazette.example/news/sea-wall"
    assert with_templates.text == lean.text


def test_fast_is_part_of_the_skip_existing_fingerprint(tmp_path):
    from conftest import run_cli

    src = tmp_path / "in"
    src.mkdir()
    (src / "b.html").write_bytes(BYLINE.read_bytes())
    assert run_cli("clean", src, "-o", tmp_path / "out", "--skip-existing").exit_code == 0
    res = run_cli("clean", src, "-o", tmp_path / "out", "--skip-existing", "--fast")
    assert res.exit_code == 0 and "cleaning everything again" in res.output
