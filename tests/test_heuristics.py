"""The line heuristics on small synthetic documents: what they must remove and what they must leave.

On text an extractor cut out of a page (profile ``"html"``) the heuristics decide directly; on
scraped text the decision model decides, and the heuristics that stay certain there (duplicates,
the caption of a dropped credit, the safety net, the title) are tested through `clean`."""

import dataclasses
from types import SimpleNamespace

import pytest

from cleaner import clean
from cleaner.decide import model
from cleaner.pipeline import build, clean_document
from cleaner.decide.rules import RuleSet

P1 = ("The two leaders met on Monday in the capital and agreed to keep talking about trade and "
      "security over the coming months, officials from both governments said after the meeting.")
P2 = ("Negotiators will meet again in March, when they hope to settle the remaining questions about "
      "tariffs on steel and the export of farm products, according to a statement from the ministry.")
P3 = ("Analysts said the agreement was a modest step but that it would reassure markets that had "
      "feared a breakdown of the talks, and shares in both countries rose slightly on the news.")


def extracted(text):
    """`text` decided as the HTML path decides an extractor's output: by the heuristics directly."""
    doc = clean_document(build(text), RuleSet.load(), profile="html")
    removed = [{"text": ln.text, "by": ln.decision.by} for ln in doc.lines if ln.decision]
    return SimpleNamespace(text="\n\n".join(ln.text for ln in doc.kept()), removed=removed,
                           date=doc.metadata.get("date"))


def by(result, text):
    """The id that removed the line `text` (None when it was kept)."""
    hits = [r["by"] for r in result.removed if r["text"] == text]
    return hits[0] if hits else None


@pytest.fixture
def drop_everything(monkeypatch):
    """The shipped model with a threshold that judges every open line junk."""
    real = model.load()
    monkeypatch.setattr(model, "load", lambda: dataclasses.replace(real, threshold=1.0))


def test_caption_before_credit_goes_with_the_credit():
    r = extracted(f"{P1}\n\nSoldiers march through the square\nSoldiers marched on Friday (AP)\n\n{P2}")
    assert by(r, "Soldiers march through the square") == "heuristic.caption-before-credit"
    assert by(r, "Soldiers marched on Friday (AP)") == "caption.credit.agency-parens"
    assert r.text == f"{P1}\n\n{P2}"


def test_paragraph_before_a_credit_without_caption_stays():
    r = extracted(f"{P1}\n\n{P2}\n\nPicture: PA\n\n{P3}")
    assert P2 in r.text and by(r, "Picture: PA") == "caption.credit.label"


def test_meta_list_takes_the_short_items_of_a_metadata_list():
    r = extracted(f"A headline about the talks\n{P1}\n- Asia\n- AFP\n- Published Date: 07:38 | 29 October 2024\n{P2}")
    assert by(r, "- Asia") == "heuristic.meta-list"
    assert r.date == "2024-10-29"


def test_a_plain_short_list_is_not_metadata():
    items = ["- Apples", "- Pears", "- Plums"]
    r = extracted(f"A headline about the fruit\n\n{P1}\n\n" + "\n".join(items) + f"\n\n{P2}")
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
    r = extracted(f"{P1}\n\n{P2}\n\n{P3}\n\n{heading}\n\n{after}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert {x["by"] for x in r.removed} == {rule_id}


def test_tail_heading_inside_the_article_does_not_cut_it():
    r = extracted(f"{P1}\n\nRelated Articles\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert by(r, "Related Articles") == "tail.related"


@pytest.mark.parametrize("decide", [clean, extracted])
def test_a_line_printed_twice_keeps_its_first_copy(decide):
    quote = "“We will keep talking until we have a deal,” the minister said on Monday."
    r = decide(f"{P1}\n\n{quote}\n\n{P2}\n\n{quote}\n\n{P3}")
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
    assert all(by(r, m) and by(r, m).startswith("model:") for m in ("Home", "Culture", "Opinion"))


def test_safety_net_undoes_a_model_that_would_keep_almost_nothing(drop_everything):
    r = clean(f"{P1}\n\n{P2}\n\n{P3}")
    assert any("safety-net" in w for w in r.warnings)
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_safety_net_counts_chinese_characters_as_words():
    """Chinese has no spaces: a paragraph is one 'word' to str.split, which once made the net undo
    the model on every Chinese page whose article had fewer than 50 lines."""
    story = "国务院总理在北京主持召开会议，研究部署进一步做好经济工作。会议指出，今年以来经济运行总体平稳。" * 3
    menu = ["首页", "新闻", "财经", "体育", "娱乐", "科技", "汽车", "房产"] * 8
    r = clean("\n\n".join(menu + [story, story.replace("会议", "座谈会"), story.replace("经济", "市场")]))
    assert not any("safety-net" in w for w in r.warnings)
    assert "首页" not in r.text.split("\n\n") and story in r.text


def test_only_menu_words_still_give_a_body():
    assert clean("Home\n\nWorld\n\nSport\n\nWeather").text.strip()


def test_safety_net_stays_quiet_on_a_normal_article():
    assert clean(f"A headline\n\n{P1}\n\n{P2}").warnings == []


def test_line_model_keeps_article_paragraphs():
    r = clean(f"{P1}\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize("text", ["日本の首相は月曜日に\n記者会見を開いた。", "Leaders agree to keep talking", "一\na\t"])
def test_a_document_of_one_line_is_never_emptied(text):
    assert clean(text).text.strip()


def test_comment_heading_before_the_article_does_not_cut_it():
    r = clean(f"Leave a Reply\n\n{P1}\n\n{P2}\n\n{P3}")
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_the_model_never_drops_a_lede_nor_an_editors_note(drop_everything):
    """A story's dateline lede and an editor's note read as story text: whatever the model says, they stay."""
    lede = ("LONDON (AP) — Britain's ruling party was accused Wednesday of trying to deceive voters by "
            "changing the name of its press office account during a televised debate.")
    note = "Correction, Nov. 15, 2019: This article originally misidentified the publisher of the book."
    r = clean(f"{lede}\n\n{P1}\n\n{P2}\n\n{note}")
    assert r.text == f"{lede}\n\n{note}" and not r.warnings


def test_the_short_questions_and_answers_of_an_interview_stay_in_the_article():
    turns = ["Q: Favorite books?", "A: A Fistful of Rice", "Q: Favorite apps?", "A: Bleacher Report and Uber Eats",
             "Q: Favorite athlete?", "A: LeBron James"]
    r = clean("\n\n".join(["Menu", "Home", "News", P1, P2, *turns, P3, "Contact us", "Privacy policy"]))
    assert all(t in r.text.split("\n\n") for t in turns)
    assert by(r, "Privacy policy") is not None


def test_an_editors_note_above_a_credit_is_not_its_caption():
    note = "Editor's note: This story was updated at 5:45 p.m. ET to include details from the NASA telecon."
    r = extracted(f"{P1}\n\n{P2}\n\n{note}\n\n(Image credit: All About Space)\n\n{P3}")
    assert note in r.text.split("\n\n")
    assert by(r, "(Image credit: All About Space)") is not None


def test_a_flattened_list_of_headlines_is_not_prose():
    from cleaner.decide.features import line_features

    links = ("* WIRED25: Stories of people racing to save us * The plan to boost drone batteries "
             "with old tech * How a tiny startup became a giant of music * Why the best gadgets are "
             "the ones you never see * The quiet return of the paper notebook in offices")
    assert not line_features(links, "English").prose
    assert line_features(P1, "English").prose
