"""Bytes to text: encodings, BOMs, mojibake, and binary data refused with the reason."""

import codecs

import ftfy
import pytest
from ftfy.badness import BADNESS_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.io.read import NotText, _fix_mojibake, _mojibake_prefilter, binary_kind, decode, looks_like_html

WESTERN = "Café au lait, naïve façade – “quoted” déjà vu. The president’s speech."
GERMAN = "Müller sagte, die Straße sei gesperrt. Größere Schäden gab es nicht."
RUSSIAN = "Привет, как дела? Сегодня хорошая погода в Москве, и все пошли гулять в парк."


@pytest.mark.parametrize("data, text", [
    (WESTERN.encode("utf-8"), WESTERN),
    (codecs.BOM_UTF8 + WESTERN.encode("utf-8"), WESTERN),
    (WESTERN.encode("utf-16"), WESTERN),                                   # BOM, native order
    (codecs.BOM_UTF16_BE + WESTERN.encode("utf-16-be"), WESTERN),
    (codecs.BOM_UTF16_LE + WESTERN.encode("utf-16-le"), WESTERN),
    (WESTERN.encode("utf-32"), WESTERN),
    (WESTERN.encode("cp1252"), WESTERN),
    (GERMAN.encode("latin-1"), GERMAN),
    ("résumé".encode("cp1252"), "résumé"),                                 # too short to detect: Windows-1252
    ("The cost was 5 € (about £4).".encode("cp1252"), "The cost was 5 € (about £4)."),
    (RUSSIAN.encode("cp1251"), RUSSIAN),                                  # detection, not Windows-1252
    (b"", ""),
], ids=["utf8", "utf8-bom", "utf16", "utf16-be", "utf16-le", "utf32", "cp1252", "latin1",
        "cp1252-short", "cp1252-euro", "cp1251", "empty"])
def test_encodings(data, text):
    assert decode(data) == text


def test_utf8_with_stray_windows_1252_bytes_keeps_the_utf8():
    data = GERMAN.encode("utf-8") + b" \x93quoted\x94 and \x96 a dash"
    assert decode(data) == GERMAN + " “quoted” and – a dash"


def test_mojibake_is_repaired():
    text = "The president’s café opened on Monday."
    mojibake = text.encode("utf-8").decode("cp1252")  # 'The presidentâ€™s cafÃ©...'
    assert mojibake != text
    assert decode(mojibake.encode("utf-8")) == text


@pytest.mark.parametrize("text, encoding", [
    ("Polski portal na komórkę: wiadomości, artykuł", "cp1252"),
    ("Привет, как дела? — спросил он", "cp1251"),
    ("Η Ελλάδα — «ειδήσεις»", "cp1253"),
    ("itertools — Functions creating iterators", "cp1252"),
])
def test_mojibake_of_other_encodings_is_repaired(text, encoding):
    mojibake = text.encode("utf-8").decode(encoding, errors="ignore")
    assert mojibake != text and _mojibake_prefilter().search(mojibake)
    assert _fix_mojibake(mojibake) == ftfy.fix_encoding(mojibake)


# the characters ftfy's badness pattern is made of, with ASCII around them
_MOJIBAKE_ALPHABET = "".join(sorted(set(BADNESS_RE.pattern) - set("[]|^\\"))) + "aZ .,\n\t\xa0\u2003"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=12))
def test_the_prefilter_passes_whatever_ftfy_would_repair(text):
    """The RE2 pattern is wider than ftfy's: text it turns away, ftfy would have left unchanged."""
    if BADNESS_RE.search(text):
        assert _mojibake_prefilter().search(text)
    assert _fix_mojibake(text) == (text if text.isascii() else ftfy.fix_encoding(text))


def test_text_re2_cannot_read_still_meets_ftfy():
    text = "cafÃ© \ud800 au lait"  # a lone surrogate: RE2 reads UTF-8 and cannot take it
    assert _fix_mojibake(text) == ftfy.fix_encoding(text) == "café \ud800 au lait"


@pytest.mark.parametrize("text", ["NÃO É VERDADE", "Straße und Größe", "“Quoted” and ‘single’ — dash",
                                  "naïve São Paulo", "日本語のテキスト", "emoji 👍🏽 ok"])
def test_genuine_text_is_left_alone(text):
    assert decode(text.encode("utf-8")) == text


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    (b"GIF89a\x01\x00\x01\x00", "GIF image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip-compressed data"),
    (b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
    (b"BZh91AY&SY", "bzip2-compressed data"),
    (b"\x00\x00\x00\x18ftypmp42", "MP4/MOV media"),
    (b"some text\x00\x00\x01\x02 with NUL bytes", "NUL bytes"),
])
def test_binary_data_is_refused_with_its_kind(data, kind):
    with pytest.raises(NotText, match=r"binary data \(" + kind):
        decode(data)


def test_control_characters_are_binary():
    with pytest.raises(NotText, match="control characters"):
        decode(bytes(range(1, 9)) * 50)


def test_signature_lookalikes_in_text_are_text():
    assert binary_kind(b"BZh is not a word, but this line is text.") is None
    assert decode(b"BZh is not a word.") == "BZh is not a word."


def test_a_stray_control_character_does_not_make_text_binary():
    text = "A line of text.\x07 And another sentence that goes on for a while."
    assert decode(text.encode()) == text


@pytest.mark.parametrize("data", [bytes(range(128, 256)), b"\xff\xfe\xfd" * 100, b"\xc3\x28\xa0\xa1" * 50,
                                  codecs.BOM_UTF16_LE + b"\x00\xd8", codecs.BOM_UTF8 + b"\xff\xfe"])
def test_undecodable_bytes_never_crash(data):
    assert isinstance(decode(data), str)


def test_looks_like_html():
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("<!-- c -->\n<html>")
    assert looks_like_html("anything", "page.HTM")
    assert not looks_like_html("Use the <b> tag for bold.")
    # fragments: an element first and a closing tag, as scrapers hand out a page's main part
    assert looks_like_html('<div class="post"><p>The ferry runs every hour.</p></div>')
    assert looks_like_html("\n<p>The ferry runs every hour.<p>And on Sundays.</p>")
    assert not looks_like_html("<p> marks a paragraph in HTML, and </b> ends bold.".replace("</b>", "a slash"))
    assert not looks_like_html("<3 the ferry, see you at the pier</p>")


# ---- HTML charset declarations: only what a browser honours --------------------------------------

from cleaner.io.read import declared_charset, decode_html, is_empty  # noqa: E402


@pytest.mark.parametrize("label", ["punycode", "cp037", "idna", "rot13", "utf-7", "hz", "iso-2022-kr"])
def test_a_charset_label_no_browser_honours_is_no_declaration(label):
    """`<meta charset=punycode>` failed the page (UnicodeError); cp037 turned ASCII into EBCDIC garbage."""
    page = f'<html><head><meta charset="{label}"></head><body><p>Hello world, café.</p></body></html>'
    assert declared_charset(page.encode("utf-8")) is None
    assert "Hello world, café." in decode_html(page.encode("utf-8"))


@pytest.mark.parametrize("label, codec", [("latin1", "cp1252"), ("ascii", "cp1252"), ("x-user-defined", "cp1252"),
                                          ("shift_jis", "cp932"), ("csisolatin2", "iso8859-2"),
                                          ("UTF-16LE", "utf-8"), (" KOI8-R ", "koi8-r")])
def test_whatwg_labels_are_honoured_as_browsers_read_them(label, codec):
    assert declared_charset(f'<meta charset="{label}">'.encode()) == codec


def test_utf8_with_three_stray_bytes_and_few_accents_keeps_the_utf8():
    """Three stray Windows-1252 bytes outnumbered the three UTF-8 characters: the page was read as
    a legacy encoding and its UTF-8 quotes came out as mojibake."""
    text = "The “café” was closed. " + "Plain words go here and there. " * 10 + "He said @1hello@2 and left @3 quickly."
    data = text.encode("utf-8").replace(b"@1", b"\x93").replace(b"@2", b"\x94").replace(b"@3", b"\x96")
    assert decode(data) == text.replace("@1", "“").replace("@2", "”").replace("@3", "–")


@pytest.mark.parametrize("text, empty", [("", True), (" \t\r\n", True), ("\u200b\u200b\n\ufeff \u2060\u200d", True),
                                         ("\u00a0\u3000", True), ("\u200bx", False), ("日", False)])
def test_whitespace_and_zero_width_characters_are_empty(text, empty):
    assert is_empty(text) is empty
