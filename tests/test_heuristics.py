"""Each heuristic on small synthetic documents: what it must remove, and what it must leave alone."""

import json

import pytest

from cleaner import clean, model

P1 = ("The two leaders met on Monday in the capital and agreed to keep talking about trade and "
      "security over the coming months, officials from both governments said after the meeting.")
P2 = ("Negotiators will meet again in March, when they hope to settle the remaining questions about "
      "tariffs on steel and the export of farm products, according to a statement from the ministry.")
P3 = ("Analysts said the agreement was a modest step but that it would reassure markets that had "
      "feared a breakdown of the talks, and shares in both countries rose slightly on the news.")


def by(result, text):
    """The id that removed the line `text` (None when it was kept)."""
    hits = [r["by"] for r in result.removed if r["text"] == text]
    return hits[0] if hits else None


def test_caption_before_credit_goes_with_the_credit():
    r = clean(f"{P1}\n\nSoldiers march through the square\nSoldiers marched on Friday (AP)\n\n{P2}")
    assert by(r, "Soldiers march through the square") == "heuristic.caption-before-credit"
    assert by(r, "Soldiers marched on Friday (AP)") == "caption.credit.agency-parens"
    assert r.text == f"{P1}\n\n{P2}"


def test_paragraph_before_a_credit_without_caption_stays():
    r = clean(f"{P1}\n\n{P2}\n\nPicture: PA\n\n{P3}")
    assert P2 in r.text and by(r, "Picture: PA") == "caption.credit.label"


def test_meta_list_takes_the_short_items_of_a_metadata_list():
    r = clean(f"A headline about the talks\n{P1}\n- Asia\n- AFP\n- Published Date: 07:38 | 29 October 2024\n{P2}")
    assert by(r, "- Asia") == "heuristic.meta-list"
    assert r.date == "2024-10-29"


def test_a_plain_short_list_is_not_metadata():
    items = ["- Apples", "- Pears", "- Plums"]
    r = clean(f"A headline about the fruit\n\n{P1}\n\n" + "\n".join(items) + f"\n\n{P2}")
    for item in items:
        assert by(r, item) != "heuristic.meta-list"


TEASERS = "\n\n".join(f"Another story headline number {i} about something" for i in range(6))
COMMENTS = "\n\n".join(f"Great post, thank you. I tried this at home with my family and it worked much better "
                       f"than I expected, number {i} of many happy readers here." for i in range(8))


@pytest.mark.parametrize("heading, after, rule_id", [
    ("Latest News", TEASERS, "tail.latest"),  # a tail heading followed by a list of other stories
    ("6 thoughts on “Leaders agree to keep talking”", COMMENTS, "end.comments"),  # comments, however long
])
def test_heading_cuts_what_follows_the_article(heading, after, rule_id):
    r = clean(f"{P1}\n\n{P2}\n\n{P3}\n\n{heading}\n\n{after}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert {x["by"] for x in r.removed} == {rule_id}


def test_tail_heading_inside_the_article_does_not_cut_it():
    r = clean(f"{P1}\n\nRelated Articles\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert by(r, "Related Articles") == "tail.related"


def test_a_line_printed_twice_keeps_its_first_copy():
    quote = "“We will keep talking until we have a deal,” the minister said on Monday."
    r = clean(f"{P1}\n\n{quote}\n\n{P2}\n\n{quote}\n\n{P3}")
    assert r.text.count(quote) == 1
    assert by(r, quote) == "heuristic.duplicate"


def test_a_line_printed_three_times_is_structure_not_a_repeat():
    q = "What did you cook for the family dinner on Sunday?"
    doc = "\n\n".join(f"{q}\n\n{p}" for p in (P1, P2, P3))
    assert clean(doc).text.count(q) == 3


def test_menu_before_the_article_is_outside_it_and_subheadings_inside_stay():
    menu = "\n\n".join(["Home", "World", "Business", "Sport", "Culture", "Opinion"])
    r = clean(f"{menu}\n\nLeaders agree to keep talking\n\n{P1}\n\nWhat comes next\n\n{P2}\n\n{P3}")
    assert r.title == "Leaders agree to keep talking"
    assert r.text == f"{P1}\n\nWhat comes next\n\n{P2}\n\n{P3}"
    assert by(r, "Home") in ("nav.menu", "heuristic.outside-article")
    assert by(r, "Culture") == "heuristic.outside-article"


def test_safety_net_undoes_heuristics_that_would_keep_almost_nothing():
    # one short sentence of prose, then a long index of keywords with no function words
    entries = [f"Chapter {i} Roads Bridges Tunnels Railways Ports Airports Canals Pipelines Grids"
               for i in range(12)]
    r = clean("The report on the roads was published on Monday by the ministry of transport.\n\n"
              + "\n\n".join(entries))
    assert any("safety-net" in w for w in r.warnings)
    assert all(e in r.text for e in entries)


def test_only_menu_words_still_give_a_body():
    assert clean("Home\n\nWorld\n\nSport\n\nWeather").text.strip()


def test_safety_net_stays_quiet_on_a_normal_article():
    assert clean(f"A headline\n\n{P1}\n\n{P2}").warnings == []


def test_shipped_line_model_matches_the_code():
    m = model.load()
    assert len(m.weights) == len(model.NAMES) and 0 < m.threshold < 1


def test_line_model_keeps_article_paragraphs():
    r = clean(f"{P1}\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_model_file_with_other_features_is_refused(tmp_path):
    data = json.loads(model.MODEL_FILE.read_text())
    data["names"] = data["names"][:-1] + ["something_else"]
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="do not match"):
        model.load.__wrapped__(bad)


@pytest.mark.parametrize("text", ["日本の首相は月曜日に\n記者会見を開いた。", "Leaders agree to keep talking", "一\na\t"])
def test_a_document_of_one_line_is_never_emptied(text):
    assert clean(text).text.strip()


def test_comment_heading_before_the_article_does_not_cut_it():
    r = clean(f"Leave a Reply\n\n{P1}\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_the_line_model_never_drops_a_lede_nor_an_editors_note():
    """Photo captions around a story's first paragraph can make it look like one to the model, and
    a note appended below the story sits among links: with a model that would drop every line,
    both still stay."""
    import dataclasses

    from cleaner.pipeline import build, prepare
    from cleaner.rules import RuleSet

    lede = ("LONDON (AP) — Britain's ruling party was accused Wednesday of trying to deceive voters by "
            "changing the name of its press office account during a televised debate.")
    note = "Correction, Nov. 15, 2019: This article originally misidentified the publisher of the book."
    doc = build(f"{lede}\n\n{P1}\n\n{P2}\n\n{note}")
    prep = prepare(doc, RuleSet.load())
    drop_all = dataclasses.replace(model.load(), threshold=1.0)
    model.classify(doc, prep.feats, prep.span, prep.tails, drop_all)
    assert [ln.kept for ln in doc.lines] == [True, False, False, True]


def test_the_short_questions_and_answers_of_an_interview_stay_in_the_article():
    turns = ["Q: Favorite books?", "A: A Fistful of Rice", "Q: Favorite apps?", "A: Bleacher Report and Uber Eats",
             "Q: Favorite athlete?", "A: LeBron James"]
    r = clean("\n\n".join(["Menu", "Home", "News", P1, P2, *turns, P3, "Contact us", "Privacy policy"]))
    assert all(t in r.text.split("\n\n") for t in turns)
    assert by(r, "Privacy policy") is not None


def test_an_editors_note_above_a_credit_is_not_its_caption():
    note = "Editor's note: This story was updated at 5:45 p.m. ET to include details from the NASA telecon."
    r = clean(f"{P1}\n\n{P2}\n\n{note}\n\n(Image credit: All About Space)\n\n{P3}")
    assert note in r.text.split("\n\n")
    assert by(r, "(Image credit: All About Space)") is not None


def test_a_flattened_list_of_headlines_is_not_prose():
    from cleaner.features import line_features

    links = ("* WIRED25: Stories of people racing to save us * The plan to boost drone batteries "
             "with old tech * How a tiny startup became a giant of music * Why the best gadgets are "
             "the ones you never see * The quiet return of the paper notebook in offices")
    assert not line_features(links, "English").prose
    assert line_features(P1, "English").prose
