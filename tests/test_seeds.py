"""Golden files for the five seeds, through the CLI: the text output, the JSON record and the Markdown.

The goldens under tests/test_seeds/ were read line by line before they were committed; any change
in cleaned output shows up here as a diff. Regenerate with `pytest --force-regen` and read them again.
"""

import json

import pytest
from click.testing import CliRunner

from cleaner.cli import main

from conftest import SEEDS


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    import os

    from conftest import ROOT

    out = tmp_path_factory.mktemp("out")
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        runner = CliRunner()
        for fmt in ("text", "json", "markdown"):
            res = runner.invoke(main, ["clean", "seeds", "-o", str(out / fmt), "--format", fmt])
            assert res.exit_code == 0, res.output
    finally:
        os.chdir(old)
    return out


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_text(outputs, seed, file_regression):
    text = (outputs / "text" / seed.name).read_text(encoding="utf-8")
    file_regression.check(text, basename=f"{seed.stem[:3]}_text", extension=".txt")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_json(outputs, seed, data_regression):
    record = json.loads((outputs / "json" / seed.with_suffix(".json").name).read_text(encoding="utf-8"))
    text = (outputs / "text" / seed.name).read_text(encoding="utf-8")
    assert record["text"] + "\n" == text
    data_regression.check(record, basename=f"{seed.stem[:3]}_record")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_markdown(outputs, seed, file_regression):
    md = (outputs / "markdown" / seed.with_suffix(".md").name).read_text(encoding="utf-8")
    text = (outputs / "text" / seed.name).read_text(encoding="utf-8")
    record = json.loads((outputs / "json" / seed.with_suffix(".json").name).read_text(encoding="utf-8"))
    assert md.startswith(f"# {record['title']}\n\n") and md.count(record["title"]) == 1
    assert [w for w in md.split() if w.isalpha()] == [w for w in f"{record['title']} {text}".split() if w.isalpha()]
    file_regression.check(md, basename=f"{seed.stem[:3]}_markdown", extension=".md")


EXPECTED = {
    "000": ("Media: Yoon, Trump mull North Korean military ties with Russia in phone call", "Aghakazim Guliyev", None),
    "001": ("South Korean leader urges response to North Korean troops in Russia", "Press Association", "2024-11-27"),
    "002": ("South Korea and NATO Express Concern Over North Korean Troops in Russia", None, None),
    "003": ("Russia-N. Korea military cooperation 'significant security threat': S. Korea president", None, "2024-10-29"),
    "004": ("US, Japan, and South Korea express grave concern over North Korean troops in Russia", None, None),
}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_metadata(outputs, seed):
    record = json.loads((outputs / "json" / seed.with_suffix(".json").name).read_text(encoding="utf-8"))
    assert (record["title"], record["author"], record["date"]) == EXPECTED[seed.name[:3]]
    body_lines = {ln.strip() for ln in record["text"].splitlines()}
    assert record["title"] not in body_lines


def test_seed_002_wraps_repaired(outputs):
    text = (outputs / "text" / "002_e2bcc63c24407649.txt").read_text(encoding="utf-8")
    assert "depending on the level of military collaboration observed" in text
    assert "Following their discussion, Rutte shared on the social media platform X" in text
    for junk in ("spot_img", "Get in Touch", "Latest Posts"):
        assert junk not in text
