"""Language guess from jusText's stoplists, and per-language word data (cached once per process).

The language is the stoplist whose most frequent words cover the most words of the text (jusText
ships one list per language, sorted by frequency); texts written mostly in CJK scripts are
recognised by script, since they have no spaces.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from itertools import islice
from pathlib import Path

import regex

WORD = regex.compile(r"\w+")
try:  # `WORD.findall` in one pass over the characters (`_figures.pyx`, built on install)
    from ._figures import words as words_of
except ImportError:  # pragma: no cover - an install without a C compiler
    words_of = WORD.findall
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


# jusText stoplist name -> the language's code in outputs: ISO 639-1, or ISO 639-3 where a language has
# no two-letter code (as BCP 47 language tags do).
CODES = {
    **ISO, "Tagalog": "tl", "Simple_English": "en",
    "Afrikaans": "af", "Albanian": "sq", "Aragonese": "an", "Armenian": "hy", "Aromanian": "rup", "Asturian": "ast",
    "Azerbaijani": "az", "Basque": "eu", "Belarusian": "be", "Belarusian_Taraskievica": "be",
    "Bishnupriya_Manipuri": "bpy", "Bosnian": "bs", "Breton": "br", "Cebuano": "ceb", "Chuvash": "cv",
    "Esperanto": "eo", "Estonian": "et", "Galician": "gl", "Georgian": "ka", "Gujarati": "gu", "Haitian": "ht",
    "Ido": "io", "Igbo": "ig", "Irish": "ga", "Javanese": "jv", "Kannada": "kn", "Kazakh": "kk", "Kurdish": "ku",
    "Kyrgyz": "ky", "Latin": "la", "Lombard": "lmo", "Low_Saxon": "nds", "Luxembourgish": "lb", "Malayalam": "ml",
    "Maltese": "mt", "Marathi": "mr", "Neapolitan": "nap", "Nepali": "ne", "Newar": "new", "Norwegian_Nynorsk": "nn",
    "Occitan": "oc", "Piedmontese": "pms", "Quechua": "qu", "Samogitian": "sgs", "Serbo_Croatian": "sh",
    "Sicilian": "scn", "Sundanese": "su", "Swahili": "sw", "Telugu": "te", "Turkmen": "tk", "Uzbek": "uz",
    "Volapuk": "vo", "Walloon": "wa", "Waray_Waray": "war", "Welsh": "cy", "West_Frisian": "fy",
    "Western_Panjabi": "pa", "Yoruba": "yo",
}


def code(language: str | None) -> str | None:
    """The code of `language` (a jusText stoplist name) in outputs: ISO 639-1 (``en``), else ISO 639-3.

    >>> code("English"), code("Norwegian_Bokmal"), code("Asturian"), code(None)
    ('en', 'nb', 'ast', None)
    """
    return CODES.get(language or "")


DETECTION_WORDS = 500  # lines of each stoplist (most frequent first) whose words vote for its language


def _stoplist_folder() -> Path:
    """jusText's stoplists folder, found without importing justext (and lxml with it)."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the justext package (for its stoplists) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "stoplists"


def _read_words(path: Path, limit: int | None = None) -> frozenset[str]:
    """The words of one stoplist file (one per line, most frequent first), the first `limit` only if given."""
    with path.open(encoding="utf-8") as f:  # the first lines only: some lists have thousands
        lines = list(islice(f, limit)) if limit else f.readlines()
    return frozenset(w.strip().lower() for w in lines) - {""}


@lru_cache(maxsize=1)
def _detection_lists() -> dict[str, frozenset[str]]:
    """language -> the first DETECTION_WORDS words of its stoplist, in file-name order (Simple_English
    excluded). jusText's lists are sorted by frequency; their long tails (thousands of words in some
    languages, English loanwords and names among them) would outvote the real language of a text."""
    return {path.stem: _read_words(path, DETECTION_WORDS)
            for path in sorted(_stoplist_folder().glob("*.txt")) if path.stem != "Simple_English"}


@lru_cache(maxsize=1)
def _detection_words() -> frozenset[str]:
    return frozenset().union(*_detection_lists().values())


@lru_cache(maxsize=1 << 16)
def _languages_of(word: str) -> tuple[str, ...]:
    """The languages whose detection list has `word`, in file-name order (cached: stopwords are few)."""
    return tuple(name for name, words in _detection_lists().items() if word in words)


@lru_cache(maxsize=None)
def stoplist(language: str | None) -> frozenset[str]:
    """The whole stoplist of `language` (empty for languages jusText has none for)."""
    if language not in _detection_lists():
        return frozenset()
    return _read_words(_stoplist_folder() / f"{language}.txt")


def detect(text: str, sample: int = 20000) -> str:
    """Guess the language of `text` (a jusText stoplist name, or Japanese/Chinese by script).

    Ties go to a language of `ISO` (the widely written ones), then to the language whose first
    stopword comes first in the text."""
    text = text[:sample]
    cjk = len(_CJK.findall(text))
    if cjk and cjk / (sum(map(str.isalpha, text)) or 1) > 0.3:
        if _HANGUL.search(text) and len(_HANGUL.findall(text)) > cjk / 2:
            return "Korean"
        return "Japanese" if _KANA.search(text) else "Chinese"
    stopwords = _detection_words()
    counts: Counter[str] = Counter()
    for w, n in Counter(words_of(text.lower())).items():  # words in order of first occurrence
        if w in stopwords:
            for lang in _languages_of(w):
                counts[lang] += n
    # on a tie, a language wordfreq knows (a widely written one) before the others, then the first seen
    return max(counts, key=lambda lang: (counts[lang], lang in ISO)) if counts else "English"


def is_cjk(language: str | None) -> bool:
    """True for languages written without spaces between words."""
    return language in ("Japanese", "Chinese")


def iso(language: str | None) -> str:
    return ISO.get(language or "", "en")
