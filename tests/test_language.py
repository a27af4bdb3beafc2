"""Language guess from jusText's stoplists."""

import pytest

from cleaner.decide.language import detect, stoplist


@pytest.mark.parametrize("text, language", [
    ("The two leaders met on Monday in the capital and agreed to keep talking about trade.", "English"),
    # Headline-style English: the long tails of large stoplists (Uzbek, Finnish) used to outvote it.
    ("Menu Home News Sport", "English"),
    ("Welcome to USA TODAY NETWORK'S EUROPEAN UNION EXPERIENCE\nLearn More\n"
     "High School Roundup: Viera defeats Rockledge to remain undefeated", "English"),
    ("Der Bundestag hat am Montag beschlossen, dass die Steuern steigen.", "German"),
    ("Le gouvernement a annoncé lundi une hausse des impôts.", "French"),
    ("El gobierno anunció el lunes una subida de impuestos.", "Spanish"),
    ("O governo anunciou nesta segunda-feira que vai aumentar os impostos sobre os combustíveis.", "Portuguese"),
    ("Правительство объявило в понедельник о повышении налогов.", "Russian"),
    ("政府は月曜日に増税を発表した。", "Japanese"),
    ("정부는 월요일에 세금 인상을 발표했다.", "Korean"),
    ("", "English"),
])
def test_detect(text, language):
    assert detect(text) == language


def test_stoplist_is_the_whole_list_of_a_known_language_only():
    english = stoplist("English")
    assert {"the", "of", "and"} <= english and len(english) > 300
    assert stoplist("Klingon") == frozenset() and stoplist(None) == frozenset()
    assert stoplist("../English") == frozenset()
