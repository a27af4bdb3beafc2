"""The HTML front door: golden records of small pages written for these tests, encodings, and the
agreement of the two extractors on the article's edges.

The goldens under tests/test_html/ were read before they were committed; regenerate with
`pytest tests/test_html.py --force-regen` and read them again.
"""

import json
from pathlib import Path

import pytest

from cleaner import Cleaner, clean
from cleaner import html as page
from cleaner.pipeline import build

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


def test_confirm_edges_drops_unconfirmed_edges_but_keeps_inner_lines_and_a_lede():
    lede = ("President of the council Ana Ruiz said on Monday that the city would build two hundred new "
            "homes near the station over the next four years, starting in the spring.")
    lines = ["Breaking: housing plan approved", lede, "The plan was approved by a large majority of the council.",
             "An embedded post that one extractor left out of its text.",
             "Building will start on the land of the old goods yard next to the tracks.",
             "Sign up for our daily newsletter", "About us: the paper was founded in 1901."]
    other = "\n".join([lines[2], lines[4]])
    doc = build("\n\n".join(lines))
    page.confirm_edges(doc, other)
    dropped = [ln.text for ln in doc.lines if not ln.kept]
    assert dropped == [lines[0], lines[5], lines[6]]
    assert {ln.decision.by for ln in doc.lines if not ln.kept} == {page.UNCONFIRMED}


def test_confirm_edges_does_nothing_when_the_extractors_share_nothing():
    doc = build("One line of the article.\n\nAnother line of the article.")
    page.confirm_edges(doc, "A completely different text about something else.")
    assert all(ln.kept for ln in doc.lines)


def test_truncated_only_when_short_and_contained():
    long = " ".join(f"Sentence number {i} of the article goes here." for i in range(40))
    assert page._truncated("Sentence number 3 of the article goes here.", long)
    assert not page._truncated("A different short text that readability does not have at all.", long)
    assert not page._truncated(long, long)


def test_xml_declaration_and_empty_pages_do_not_stop_the_html_path():
    xhtml = f'<?xml version="1.0" encoding="utf-8"?>\n<html><body>{ARTICLE}</body></html>'
    assert clean(xhtml, html=True).text.startswith("The river ferry")
    empty = clean(b"<html></html>", html=True)
    assert empty.text == "" and empty.warnings[0].startswith(page.FALLBACK_VISIBLE)


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_page_keeps_its_text(depth):
    page = "<html><body>" + "<div>" * depth + "<p>The article text, officials said on Monday.</p>" * 5 + "</body></html>"
    assert "officials said on Monday" in clean(page, source="deep.html").text


def test_cli_honours_the_declared_charset_of_an_html_file(tmp_path):
    from conftest import run_cli

    sentence = "Правительство объявило о новых мерах поддержки экономики в понедельник, сообщили чиновники."
    page = tmp_path / "ru.html"
    page.write_bytes(b'<html><head><meta charset="windows-1251"></head><body><p>' + sentence.encode("cp1251")
                     + b"</p></body></html>")
    res = run_cli("clean", page)
    assert res.exit_code == 0 and sentence in res.output


def test_trafilatura_s_own_readability_pass_is_captured():
    import lxml.html

    tree = lxml.html.document_fromstring((Path(__file__).parent / "html" / "related.html").read_bytes())
    text, _, inner = page._trafilatura(tree)
    assert text and inner
    assert page._confirmed_share(text, inner) >= page.AGREED_SHARE


@pytest.mark.parametrize("inner, runs_readability", [
    ("", True),  # nothing captured (a trafilatura that no longer calls it): readability-lxml runs
    ("Another part of the page entirely, a list of other stories and links.", True),  # disagrees
    (None, False),  # agrees: the captured pass is the second opinion, readability-lxml is not run
])
def test_readability_lxml_runs_only_when_the_captured_pass_is_missing_or_disagrees(monkeypatch, inner,
                                                                                   runs_readability):
    body = ("The river ferry will run every half hour from May, the harbour office said on Tuesday.\n\n"
            "The new pier was finished ahead of time and under budget, the office said.")
    calls = []
    monkeypatch.setattr(page, "_trafilatura", lambda tree: (body, {}, body if inner is None else inner))
    monkeypatch.setattr(page, "_readability", lambda tree: calls.append(tree) or body)
    result = page.extract(f"<html><body>{ARTICLE}</body></html>")
    assert bool(calls) == runs_readability
    assert result.text == body and result.confirm == body
