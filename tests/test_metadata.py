"""Dates, authors and titles lifted into fields."""

import pytest

from cleaner import Cleaner, clean
from cleaner.decide.metadata import parse_date


@pytest.mark.parametrize("text, iso", [
    ("27 November 2024, 12:04", "2024-11-27"),
    ("- Published Date: 07:38 | 29 October 2024", "2024-10-29"),
    ("Reuters November 18, 2019 11:03 PM", "2019-11-18"),
    ("Nov. 5, 2023", "2023-11-05"),
    ("2024-03-05T10:00:00Z", "2024-03-05"),
    ("29.10.2024 07:38", "2024-10-29"),
    ("Published on", None),
    ("45 March 2024", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


BODY = ("The two leaders met on Monday in the capital and agreed to keep talking about trade "
        "and security over the coming months, officials said.")


def test_byline_becomes_author_and_leaves_body():
    r = clean(f"A headline for the talks\n{BODY}\nBy Aghakazim Guliyev")
    assert r.author == "Aghakazim Guliyev"
    assert "Guliyev" not in r.text


def test_sentence_starting_with_by_stays():
    line = "By the time the troops arrived, the town had been empty for two days, residents said."
    r = clean(f"A headline for the talks\n{BODY}\n{line}")
    assert line in r.text and r.author is None


def test_title_after_junk_and_not_repeated():
    r = clean(f"SUBSCRIBE NOW\n\nLeaders agree to keep talking\n\nLeaders agree to keep talking\n\n{BODY}")
    assert r.title == "Leaders agree to keep talking"
    assert r.text == BODY


def test_date_field_and_published_item():
    r = clean(f"A headline for the talks\n- Published Date: 07:38 | 29 October 2024\n{BODY}")
    assert r.date == "2024-10-29" and "Published" not in r.text


def test_title_is_the_headline_not_the_dateline_or_byline_below_it():
    r = clean(f"World\n\nBusiness\n\nLeaders agree to keep talking about trade\n\nBy Jane Doe @janedoe\n\n"
              f"Nov 18, 2019 at 9:24 pm ET\n\n{BODY}")
    assert r.title == "Leaders agree to keep talking about trade"
    assert r.date == "2019-11-18"


def test_a_breadcrumb_is_not_the_title():
    r = clean(f"News » World » Asia\n\nLeaders agree to keep talking about trade\n\n{BODY}")
    assert r.title == "Leaders agree to keep talking about trade"


def test_date_from_a_dateline_with_more_on_it():
    r = clean(f"Leaders agree to keep talking about trade\n\nNov 18, 2019 at 9:24 pm ET • 2 min read\n\n{BODY}")
    assert r.date == "2019-11-18"


def test_no_date_guessed_from_a_caption_sentence():
    caption = "(FILES) A man walks past a newspaper displayed on a street in Seoul on 21 October 2024, with coverage."
    r = clean(f"Leaders agree to keep talking about trade\n\n{caption}\n\n{BODY}")
    assert r.date is None


def test_a_lede_opening_with_a_place_line_is_never_the_title():
    lede = ("LONDON (AP) — Britain's ruling party was accused Wednesday of trying to deceive voters by "
            "changing the name of its press office account")
    body = ("The two leaders met on Monday in the capital and agreed to keep talking about trade and "
            "security over the coming months, officials from both governments said after the meeting.")
    r = clean(f"Tories under fire for name switch\n\n{lede}\n\n{body}\n\n{body.replace('Monday', 'Friday')}")
    # the headline is the title or, when the model is not sure enough of it, kept as text
    assert r.title == "Tories under fire for name switch" or r.text.startswith("Tories under fire for name switch\n")
    assert lede in r.text


def test_the_title_model_loads_and_reads_the_codes_figures():
    from cleaner.decide import titles
    from cleaner.decide.model import read_info

    model = titles.load()
    assert model.forest.feature.max() < len(titles.NAMES)  # every split reads a figure the code makes
    info = read_info(titles.MODEL_FILE)
    assert info["pages"] > 1000 and "site folds" in info["cross-validated"]


def test_the_headline_is_taken_over_a_picture_caption_nearer_the_body():
    menu = "\n\n".join(["Home", "World", "Business", "Sport"])
    r = clean(f"{menu}\n\nLeaders agree to keep talking about trade and security\n\n27 November 2024, 12:04\n\n"
              f"The two leaders in the capital\nLeaders at the talks. Picture: PA\n\n{BODY}\n\n{BODY}")
    assert r.title == "Leaders agree to keep talking about trade and security"


def test_a_paragraph_or_a_subheading_of_the_body_is_never_the_title():
    # no headline before the body: nothing is lifted, and cleaning the output again changes nothing
    text = f"{BODY}\n\nWhat comes next\n\n{BODY.replace('Monday', 'Friday')}"
    r = clean(text)
    assert r.title is None and "What comes next" in r.text
    assert clean(r.text).text == r.text


def test_a_line_a_photo_credit_follows_is_no_title_candidate():
    from cleaner.decide import titles
    from cleaner.decide.rules import RuleSet
    from cleaner.pipeline import build

    doc = build(f"Leaders agree to keep talking\n\nThe two leaders in the capital\nLeaders at the talks. Picture: PA"
                f"\n\n{BODY}\n\n{BODY}")
    picked, rows = titles.page_candidates(doc, RuleSet.load())
    texts = [doc.lines[i].text for i in picked]
    assert "Leaders agree to keep talking" in texts and "The two leaders in the capital" not in texts
    assert rows.shape == (len(picked), len(titles.NAMES))


def test_a_menu_or_a_list_before_the_body_is_not_lifted_as_the_title():
    # the model takes a title only when likely enough: no line of a menu, no item of a list
    menu = "\n\n".join(["Home", "World", "Business", "Sport", "Weather"])
    r = clean(f"{menu}\n\n{BODY}\n\n{BODY.replace('Monday', 'Friday')}")
    assert r.title is None
    recipe = ("Ingredients\n- 1 cup of flour\n- 2 eggs\n- a pinch of salt\n\n"
              "Mix the flour with the eggs and the salt in a large bowl until the batter is smooth, then "
              "let it rest for half an hour before you heat the pan and cook the pancakes one by one.")
    r = clean(f"{recipe}\n\n{BODY}")
    assert "1 cup of flour" in r.text and r.title != "- 1 cup of flour"


def test_cleaning_again_lifts_no_subheading_as_a_second_title():
    text = f"Leaders agree to keep talking\n\nAnalysis\n\n{BODY}\n\n{BODY.replace('Monday', 'Friday')}"
    stable = Cleaner(stable=True)
    r = stable.clean(text)
    assert r.title == "Leaders agree to keep talking"
    assert "Analysis" in r.text.split("\n")
    assert stable.clean(r.text).text == r.text
