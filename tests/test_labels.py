"""The alignment of a truth text to a rendering's lines (cleaner.score.labels), on small made-up pages."""

from cleaner.score.labels import align, oracle_text

TRUTH = ("The council met on Monday to vote on the new budget for the city.\n\n"
         "Costs\n\n"
         "It passed by six votes to three after a long debate about the costs of schools.")


def test_lines_in_the_truth_and_lines_not():
    lines = ["Home | News | Sport", "The council met on Monday to vote on the new budget for the city.",
             "Costs", "It passed by six votes to three after a long debate about the costs of schools.",
             "Share this story on Facebook"]
    assert align(TRUTH, lines) == [False, True, True, True, False]


def test_a_line_holding_the_end_of_one_truth_paragraph_and_the_start_of_the_next():
    lines = ["Menu", "The council met on Monday to vote on the new budget",
             "for the city. Costs It passed by six votes to three",
             "after a long debate about the costs of schools.", "Latest news"]
    assert align(TRUTH, lines) == [False, True, True, True, False]


def test_a_copy_of_a_truth_paragraph_out_of_order_is_not_content():
    teaser = "It passed by six votes to three after a long debate about the costs of schools."
    lines = [teaser, "The council met on Monday to vote on the new budget for the city.", "Costs", teaser]
    assert align(TRUTH, lines) == [False, True, True, True]


def test_a_menu_word_that_is_also_a_truth_word_is_not_content():
    # "budget" is in the truth, but inside a sentence: a one-word line must be a whole truth line
    lines = ["budget", "The council met on Monday to vote on the new budget for the city."]
    assert align(TRUTH, lines) == [False, True]


def test_the_oracle_keeps_exactly_the_labelled_lines():
    lines = ["Menu", "The council met on Monday to vote on the new budget for the city.", "Costs"]
    assert oracle_text(lines, align(TRUTH, lines)) == lines[1] + "\n\n" + "Costs"


def test_an_empty_truth_labels_nothing():
    assert align("", ["Anything at all here"]) == [False]
