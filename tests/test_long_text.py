"""Long scraped text is built and decided part by part (`pipeline.text_parts`, `Cleaner.clean_parts`):
the parts are the text, their results are the whole document's, and a batch writes the same text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli as run

from cleaner import Cleaner, clean, pipeline
from cleaner.pipeline import text_parts

SEED = "seeds/001_4bda62c64cb31b1c.txt"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a line", "", " ", "another line of text"]), max_size=60),
       st.integers(min_value=1, max_value=6))
def test_parts_are_the_text_cut_at_blank_lines(lines, size):
    text = "\n".join(lines)
    parts = list(text_parts(text, size))
    assert "".join(part for part, _ in parts) == text
    for (part, first), (_, next_first) in zip(parts, parts[1:]):
        assert next_first == first + part.count("\n")
        assert part.endswith("\n")
        filled = sum(1 for ln in part.split("\n") if ln.strip())
        last = part[:-1].rsplit("\n", 1)[-1]
        assert (filled >= size and not last.strip()) or filled >= 2 * size


def _twice_with_parts(monkeypatch) -> tuple[str, int]:
    """Seed 001 twice, and a part size that cuts exactly between the copies."""
    story = open(SEED, encoding="utf-8").read().strip("\n")
    monkeypatch.setattr(pipeline, "SEGMENT_LINES", sum(1 for ln in story.split("\n") if ln.strip()))
    return story + "\n\n" + story, story.count("\n") + 2


def test_a_long_text_is_decided_part_by_part_sharing_its_metadata(monkeypatch):
    story = open(SEED, encoding="utf-8").read().strip("\n")
    alone = clean(story)
    text, second_start = _twice_with_parts(monkeypatch)
    parts = list(Cleaner().clean_parts(text))
    assert len(parts) == 2
    first, second = (p.document.lines for p in parts)
    assert [ln.decision for ln in first] == [ln.decision for ln in alone.document.lines]
    assert [ln.kept for ln in second] == [ln.kept for ln in first]
    assert second[0].start >= second_start - 1  # numbered in the whole text
    lifted = [ln.text for ln in second if ln.decision and ln.decision.field == "title"]
    assert lifted == [alone.title]  # the title found in the first part goes from the second too

    whole = clean(text)
    assert whole.text == "\n\n".join(p.text for p in parts if p.text) == alone.text + "\n\n" + alone.text
    source = text.split("\n")
    assert len(whole.removed) > 4 and all(source[r["line"] - 1].strip() == r["text"] for r in whole.removed)


def test_a_batch_writes_a_long_text_as_clean_gives_it(tmp_path, monkeypatch):
    text, _ = _twice_with_parts(monkeypatch)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    res = run("clean", tmp_path / "long.txt", "-o", tmp_path / "out.txt")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == clean(text).text + "\n"
    piped = run("clean", "-", input=text.encode("utf-8"))
    assert piped.exit_code == 0 and piped.stdout == clean(text).text + "\n"
