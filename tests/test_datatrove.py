"""The datatrove step under datatrove's LocalPipelineExecutor: JsonlReader -> cleaner -> JsonlWriter."""

import gzip
import json

import pytest
from conftest import SEEDS

from cleaner import clean
from cleaner.io.stats import removal_counts

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.datatrove_step import CleanerStep  # noqa: E402


def test_local_pipeline_cleans_text_and_counts_removals(tmp_path):
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS[:4]]
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "docs.jsonl", "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": f"doc{i}", "text": text, "metadata": {"date": "2024-01-01"}}) + "\n")

    stats = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "in")), CleanerStep(), JsonlWriter(str(tmp_path / "out"))],
        tasks=1, logging_dir=str(tmp_path / "logs")).run()

    with gzip.open(next((tmp_path / "out").glob("*.jsonl.gz")), "rt", encoding="utf-8") as f:
        out = {d["id"]: d for d in map(json.loads, f)}
    assert sorted(out) == [f"doc{i}" for i in range(len(texts))]
    expected_lines: dict[str, int] = {}
    for i, text in enumerate(texts):
        result, doc = clean(text), out[f"doc{i}"]
        assert doc["text"] == result.text and doc["text"] != text
        assert doc["metadata"]["cleaner_title"] == result.title
        assert doc["metadata"]["cleaner_date"] == result.date
        assert doc["metadata"]["date"] == "2024-01-01"  # the reader's own field survives
        for rule_id, (lines, _) in removal_counts(result.document).items():
            expected_lines[rule_id] = expected_lines.get(rule_id, 0) + lines

    step_stats = next(s for s in stats.stats if "cleaner" in s.name).stats
    assert step_stats["total"].total == len(texts)
    assert {k.split("/", 1)[1]: v.total for k, v in step_stats.items() if k.startswith("removed_lines/")} \
        == expected_lines
    assert "removed_lines/meta.title" in json.loads((tmp_path / "logs" / "stats.json").read_text())[1]["stats"]


def test_step_reads_the_input_format_it_is_told():
    from datatrove.data import Document

    page = "  * [Home](/)\n  * [World](/world/)\n\n# Bridge to be rebuilt\n\n" + (
        "The council voted on Tuesday to rebuild the old bridge, the [committee](https://example.org/c) said, "
        "after a survey found cracks in two of its three arches.")
    told = list(CleanerStep(input_format="markdown").run([Document(text="[Home](/)\n\n" + page, id="a")]))
    assert "committee said" in told[0].text and "example.org" not in told[0].text
    as_text = list(CleanerStep(html=False).run([Document(text=page, id="b")]))
    assert "](https://example.org/c)" in as_text[0].text


def test_a_two_step_pipeline_counts_templates_then_cleans_with_them(tmp_path):
    from cleaner.datatrove_step import TemplatesStep
    from cleaner.decide.templates import Templates

    menu, footer = "Home | World | Business | Sport", "Copyright Example News 2024. All rights reserved."
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "docs.jsonl", "w", encoding="utf-8") as f:
        for i in range(6):
            text = (f"{menu}\n\nBridge {i} to be rebuilt\n\nThe council met on day {i} and voted to rebuild bridge {i} "
                    f"after a survey found cracks in its arches, officials said.\n\n{footer}\n")
            f.write(json.dumps({"id": f"d{i}", "text": text, "url": f"https://{'ab'[i % 2]}.example.com/{i}"}) + "\n")
    count = LocalPipelineExecutor(pipeline=[JsonlReader(str(tmp_path / "in")), TemplatesStep(str(tmp_path / "templates"))],
                                  tasks=2, workers=1, logging_dir=str(tmp_path / "logs1"))
    seen = []

    class Spy(CleanerStep):  # what the decisions receive
        def run(self, data, rank=0, world_size=1):
            real = self.cleaner.clean

            def clean(*args, **kwargs):
                result = real(*args, **kwargs)
                doc = result.document
                seen.append((doc.site, doc.site_pages, [ln.template_pages for ln in doc.lines if ln.text == menu]))
                return result

            self.cleaner.clean = clean
            yield from super().run(data, rank, world_size)

    LocalPipelineExecutor(pipeline=[JsonlReader(str(tmp_path / "in")), Spy(templates=str(tmp_path / "templates")),
                                    JsonlWriter(str(tmp_path / "out"))],
                          tasks=1, logging_dir=str(tmp_path / "logs2"), depends=count).run()
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == ["00000.json", "00001.json"]
    merged = Templates.load(tmp_path / "templates")
    assert merged.share("a.example.com", footer) == (3, 3) and merged.share("b.example.com", menu) == (3, 3)
    assert seen == [(f"{'ab'[i % 2]}.example.com", 3, [3]) for i in range(6)]
    single = tmp_path / "templates" / "00000.json"
    assert CleanerStep(templates=str(single)).cleaner.templates.to_dict() == Templates.load(single).to_dict()
