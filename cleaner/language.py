"""Language guess from jusText's stoplists, and per-language word data (cached once per process).

The language is the stoplist that covers the most words of the text (jusText ships one list per
language); texts written mostly in CJK scripts are recognised by script, since they have no spaces.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex

WORD = regex.compile(r"\w+")
CJK_CLASS = r"[\p{Han}\p{Hiragana}\p{Katakana}]"  # the scripts written without spaces between words
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_HANGUL = regex.compile(r"\p{Hangul}")

# jusText stoplist name -> ISO 639-1 code (for wordfreq); languages wordfreq lacks fall back to English.
ISO = {
    "Arabic": "ar", "Bengali": "bn", "Bulgarian": "bg", "Catalan": "ca", "Croatian": "hr", "Czech": "cs",
    "Danish": "da", "Dutch": "nl", "English": "en", "Finnish": "fi", "French": "fr", "German": "de",
    "Greek": "el", "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is", "Indonesian": "id",
    "Italian": "it", "Korean": "ko", "Latvian": "lv", "Lithuanian": "lt", "Macedonian": "mk", "Malay": "ms",
    "Norwegian_Bokmal": "nb", "Persian": "fa", "Polish": "pl", "Portuguese": "pt", "Romanian": "ro",
    "Russian": "ru", "Serbian": "sr", "Slovak": "sk", "Slovenian": "sl", "Spanish": "es", "Swedish": "sv",
    "Tagalog": "fil", "Tamil": "ta", "Turkish": "tr", "Ukrainian": "uk", "Urdu": "ur", "Vietnamese": "vi",
    "Japanese": "ja", "Chinese": "zh",
}


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    """language -> its stoplist, in file-name order (Simple_English excluded).

    The lists are read from justext's package data without importing justext (and lxml with it).
    """
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the justext package (for its stoplists) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    lists: dict[str, frozenset[str]] = {}
    for path in sorted(folder.glob("*.txt")):
        if path.stem != "Simple_English":
            lines = path.read_text(encoding="utf-8").lower().splitlines()
            lists[path.stem] = frozenset(map(str.strip, lines)) - {""}
    return lists


@lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    return frozenset().union(*_stoplists().values())


@lru_cache(maxsize=1 << 16)
def _languages_of(word: str) -> tuple[str, ...]:
    """The languages whose stoplist has `word`, in file-name order (cached: stopwords are few)."""
    return tuple(name for name, words in _stoplists().items() if word in words)


def stoplist(language: str | None) -> frozenset[str]:
    """The stoplist of `language` (empty for languages jusText has none for)."""
    return _stoplists().get(language or "", frozenset())


def detect(text: str, sample: int = 20000) -> str:
    """Guess the language of `text` (a jusText stoplist name, or Japanese/Chinese by script).

    Ties go to the language whose first stopword comes first in the text."""
    text = text[:sample]
    cjk = len(_CJK.findall(text))
    if cjk and cjk / (sum(map(str.isalpha, text)) or 1) > 0.3:
        if _HANGUL.search(text) and len(_HANGUL.findall(text)) > cjk / 2:
            return "Korean"
        return "Japanese" if _KANA.search(text) else "Chinese"
    stopwords = _all_stopwords()
    counts: Counter[str] = Counter()
    for w, n in Counter(WORD.findall(text.lower())).items():  # words in order of first occurrence
        if w in stopwords:
            for lang in _languages_of(w):
                counts[lang] += n
    return counts.most_common(1)[0][0] if counts else "English"


def is_cjk(language: str | None) -> bool:
    """True for languages written without spaces between words."""
    return language in ("Japanese", "Chinese")


def iso(language: str | None) -> str:
    return ISO.get(language or "", "en")
