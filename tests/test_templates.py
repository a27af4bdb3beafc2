"""Site templates: lines counted per site over a batch, bounded in memory, saved, reused, and put on
the documents' lines before the decisions."""

import json
import os
import tracemalloc

import numpy as np
import pytest
from conftest import run_cli
from warcs import FOOTER, MENU, write_warc

import cleaner as package
from cleaner import Cleaner, clean
from cleaner import pipeline
from cleaner.decide.evidence import NAMES
from cleaner.pipeline import build
from cleaner.decide.templates import (MIN_PAGES, REVIEW_LINES, PageLines, Templates, TemplatesError, host, key,
                                      page_lines)

NEWSLETTER = "Sign up for our morning briefing"


def article(i: int) -> str:
    return (f"{MENU}\n\n{NEWSLETTER}\n\nBridge number {i} to be rebuilt\n\n"
            f"The council met on day {i} and voted to rebuild bridge {i} after a survey found cracks in two of "
            f"its three arches, officials said on Monday.\n\nWork on bridge {i} starts next spring and should take "
            f"two years, the mayor told reporters, adding that {i} ferries will run meanwhile.\n\n{FOOTER}\n")


def site_folder(path, n=6):
    path.mkdir(parents=True)
    for i in range(n):
        (path / f"p{i}.txt").write_text(article(i), encoding="utf-8")
    return path


def count(site, pages):
    t = Templates()
    for lines in pages:
        t.add(PageLines(site, tuple(key(x) for x in lines), tuple(lines)))
    return t


@pytest.fixture
def seen(monkeypatch):
    """The documents as the decisions receive them (cleaned in this process: --jobs 1)."""
    docs = []
    real = package.clean_document

    def spy(doc, *args, **kwargs):
        docs.append((doc.source, doc.site, doc.site_pages, {ln.text: ln.template_pages for ln in doc.lines}))
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(package, "clean_document", spy)
    return docs


def test_a_line_counts_once_per_page_and_lines_on_one_page_are_no_evidence():
    t = count("example.com", [["Home", "Home", "A story"], ["Home", "Another story"], ["home!", "A third"]])
    assert t.share("example.com", "HOME") == (3, 3)
    assert t.share("example.com", "A story") == (0, 3)  # seen once: below MIN_PAGES
    assert t.share("example.com", "never seen") == (0, 3)
    assert t.share("other.org", "Home") == (0, 0)
    assert MIN_PAGES == 2


def test_page_lines_are_the_lines_the_pipeline_builds_once_each_with_a_cap():
    doc = build("Home\n\nHome\n\nthe level o\nf military aid was raised again by the allies this year.")
    page = page_lines(doc, "s")
    assert page.texts == ("Home", "the level of military aid was raised again by the allies this year.")
    doc = build("\n\n".join(f"line {i}" for i in range(30)))
    assert page_lines(doc, "s", limit=10).texts == tuple(f"line {i}" for i in [*range(5), *range(25, 30)])


def test_host_of_a_url():
    assert host("https://WWW.Express.gr:443/x") == "www.express.gr"
    assert host("ftp://") is None and host("") is None and host(3) is None


def peak_memory(pages: int) -> tuple[int, Templates]:
    """Count `pages` pages of one site, each 20 template lines and 40 of its own: the peak of memory
    allocated meanwhile."""
    template = [key(f"menu entry {j}") for j in range(20)]
    t = Templates(site_lines=4000)
    tracemalloc.start()
    for i in range(pages):
        t.add(PageLines("example.com", tuple(template) + tuple(hash((i, j)) for j in range(40)), ()))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, t


def test_memory_stays_flat_in_the_number_of_pages_and_template_lines_stay_exact():
    """The table holds at most `site_lines` hashes: 10,000 pages peak where 1,000 do."""
    (small, t1), (large, t10) = peak_memory(1000), peak_memory(10000)
    assert large < 1.2 * small and large < 10_000_000, (small, large)
    for pages, t in ((1000, t1), (10000, t10)):
        assert t.stored <= 4000 and t.share("example.com", "menu entry 7") == (pages, pages)
        assert t.sites["example.com"].missed >= 1  # pages' own lines were dropped, and it says so


def test_all_sites_together_stay_under_the_total_and_repeated_lines_survive():
    t = Templates(total_lines=5000)
    for i in range(2000):  # 2,000 sites of one page each, one site of many pages
        t.add(PageLines(f"site{i}.org", tuple(key(f"site {i} line {j}") for j in range(10)), ()))
        t.add(PageLines("big.com", (key("Latest news"), key(f"story {i}")), ()))
    assert t.stored <= 5000
    assert t.share("big.com", "Latest news") == (2000, 2000)


def test_merged_parts_count_what_the_whole_counts():
    pages = [["Home", f"story {i}", "Footer" if i % 2 else "Other"] for i in range(10)]
    whole, left, right = count("s", pages), count("s", pages[:4]), count("s", pages[4:])
    left.merge(right)
    assert left.to_dict(min_pages=1) == whole.to_dict(min_pages=1)


def test_saved_templates_are_reviewable_and_load_back(tmp_path):
    pages = [["Home", f"story {i}"] + [f"tag {j}" for j in range(REVIEW_LINES + 5)] for i in range(4)]
    t = count("example.com", pages)
    t.save(tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text())
    entry = data["sites"]["example.com"]
    assert entry["pages"] == 4 and len(entry["lines"]) == REVIEW_LINES + 6
    assert entry["lines"][0]["pages"] == 4 and len(entry["lines"][0]["hash"]) == 16
    assert sum("text" in line for line in entry["lines"]) == REVIEW_LINES  # a bounded number of texts
    assert not any(line.get("text", "").startswith("story") for line in entry["lines"])
    loaded = Templates.load(tmp_path / "t.json")
    assert loaded.share("example.com", "tag 3") == (4, 4) and loaded.share("example.com", "story 1") == (0, 4)
    assert loaded.digest() == t.digest()


def test_a_file_that_is_not_templates_is_refused_naming_it(tmp_path):
    (tmp_path / "bad.json").write_text('{"sites": {}}')
    with pytest.raises(TemplatesError, match="bad.json: not a templates file"):
        Templates.load(tmp_path / "bad.json")
    (tmp_path / "broken.json").write_text('{"format": "cleaner-templates/1", "sites": {"s": {"lines": []}}}')
    with pytest.raises(TemplatesError, match="broken.json: a site entry is malformed"):
        Templates.load(tmp_path / "broken.json")
    src = site_folder(tmp_path / "site", 2)
    res = run_cli("clean", src, "-o", tmp_path / "out", "--templates", tmp_path / "bad.json")
    assert res.exit_code == 2 and "cleaner: --templates: " in res.output and not (tmp_path / "out").exists()


def test_clean_puts_the_counts_on_the_lines_and_the_model_reads_them():
    t = count("example.com", [[ln.text for ln in build(article(i)).lines] for i in range(5)])
    result = clean(article(7), site="example.com", templates=t)
    doc = result.document
    assert (doc.site, doc.site_pages) == ("example.com", 5)
    pages = {ln.text: ln.template_pages for ln in doc.lines}
    assert pages[MENU] == pages[FOOTER] == pages[NEWSLETTER] == 5
    assert pages["Bridge number 7 to be rebuilt"] == 0
    # the footer and menu seen on every page of the site go; the page's own lines stay
    assert {r["text"]: r["by"] for r in result.removed}[FOOTER].startswith("model:")
    assert {r["text"]: r["by"] for r in result.removed}[MENU] == "model:template.site"
    assert "Work on bridge 7 starts next spring" in result.text
    # a line that reads like prose stays on a page of its own, and goes once it is seen on every page
    about = "Example News is an independent newspaper that has served the city since 1901."
    with_about = [article(i) + f"\n{about}\n" for i in range(8)]
    counts = count("example.com", [[ln.text for ln in build(page).lines] for page in with_about[:5]])
    assert about in clean(with_about[7]).text
    assert about not in clean(with_about[7], site="example.com", templates=counts).text
    plain = clean(article(7)).document
    assert plain.site is None and plain.site_pages is None and {ln.template_pages for ln in plain.lines} == {None}
    assert Cleaner(templates=t).clean(article(7), site="example.com").document.site_pages == 5
    assert clean(article(7), templates=t).document.site is None  # no site known: no evidence


class _SwayedModel:
    """A model that drops every line once the page's site counts are known, whatever the line."""

    def __init__(self, real):
        self.real, self.threshold = real, real.threshold

    def probabilities(self, x, words):
        swayed = not np.isnan(x[:, NAMES.index("template_share")]).all()
        p = np.full(len(x), 0.0 if swayed else 1.0)
        return p, p

    def reasons(self, x, rule_ids):
        return self.real.reasons(x, rule_ids)


def test_templates_only_ever_remove_lines_seen_on_other_pages_of_the_site(monkeypatch):
    t = count("example.com", [[ln.text for ln in build(article(i)).lines] for i in range(5)])
    monkeypatch.setattr(pipeline.model, "load", lambda real=pipeline.model.load(): _SwayedModel(real))
    result = clean(article(7), site="example.com", templates=t)
    by_model = {r["text"]: r["by"] for r in result.removed if r["by"].startswith("model:")}
    assert by_model.keys() == {MENU, FOOTER}  # the newsletter line goes by a certain rule either way
    assert set(by_model.values()) == {"model:template.site"}  # they went for being on other pages alone
    assert "The council met on day 7" in result.text and "Work on bridge 7 starts" in result.text
    assert not [r for r in clean(article(7)).removed if r["by"].startswith("model:")]  # alone it keeps all


class _KeepingModel(_SwayedModel):
    """A model that keeps every line, whatever it knows."""

    def probabilities(self, x, words):
        p = np.ones(len(x))
        return p, p


def test_a_line_on_nearly_every_page_of_a_site_goes_whatever_the_model_says(monkeypatch):
    monkeypatch.setattr(pipeline.model, "load", lambda real=pipeline.model.load(): _KeepingModel(real))
    pages = [[ln.text for ln in build(article(i)).lines] for i in range(5)]
    result = clean(article(7), site="example.com", templates=count("example.com", pages))
    by_model = {r["text"]: r["by"] for r in result.removed if r["by"].startswith("model:")}
    assert by_model == {MENU: "model:template.site", FOOTER: "model:template.site"}
    assert "The council met on day 7" in result.text and result.title == "Bridge number 7 to be rebuilt"
    # on fewer pages of the site than pipeline.COMMON_PAGES the counts only inform the model
    fewer = clean(article(7), site="example.com", templates=count("example.com", pages[:pipeline.COMMON_PAGES - 1]))
    assert not [r for r in fewer.removed if r["by"].startswith("model:")]
    assert MENU in fewer.text
    # on fewer than pipeline.COMMON_SHARE of ten pages, too; on that share of them, it goes
    ten = [[ln.text for ln in build(article(i)).lines] for i in range(10)]
    for on, goes in ((7, False), (8, True)):
        t = count("example.com", [p if i < on else [x for x in p if x != MENU] for i, p in enumerate(ten)])
        assert (MENU in clean(article(7), site="example.com", templates=t).text) is not goes


def test_the_site_of_a_page_is_its_url_then_its_canonical_url_then_the_fallback():
    html = ("<html><head><link rel='canonical' href='https://news.example.org/a'><title>T</title></head><body>"
            "<article><p>" + "The council met on Monday and voted to rebuild the bridge. " * 5 + "</p></article></body></html>")
    t = Templates()
    assert clean(html, input_format="html", templates=t).document.site == "news.example.org"
    assert clean(html, input_format="html", templates=t, site="given.com").document.site == "given.com"
    assert Cleaner().clean(article(1), templates=t, site_fallback="/data/x").document.site == "/data/x"


def test_cleaner_templates_writes_the_counts_and_clean_uses_them(tmp_path, seen):
    src = site_folder(tmp_path / "site")
    res = run_cli("templates", src, "-o", tmp_path / "t.json", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert "templates: 1 sites, 6 pages, 3 lines seen on 2 or more pages" in res.output
    entry = json.loads((tmp_path / "t.json").read_text())["sites"][str(src)]
    assert {line["text"]: line["pages"] for line in entry["lines"]} == {MENU: 6, FOOTER: 6, NEWSLETTER: 6}
    res = run_cli("clean", src / "p1.txt", "-o", tmp_path / "one.txt", "--templates", tmp_path / "t.json")
    assert res.exit_code == 0, res.output
    [(_, site, pages, lines)] = seen
    assert (site, pages, lines[MENU], lines["Bridge number 1 to be rebuilt"]) == (str(src), 6, 6, 0)


def test_learn_templates_counts_the_batch_then_cleans_it(tmp_path, seen):
    src = site_folder(tmp_path / "site")
    res = run_cli("clean", src, "-o", tmp_path / "out", "--learn-templates", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert len(seen) == 6 and all(s[2] == 6 and s[3][FOOTER] == 6 for s in seen)
    t = count(str(src), [[ln.text for ln in build(article(i)).lines] for i in range(6)])
    expected = clean(article(0), site=str(src), templates=t).text
    assert FOOTER not in expected and (tmp_path / "out" / "p0.txt").read_text() == expected + "\n"


def test_an_output_folder_inside_the_batch_is_not_counted(tmp_path):
    src = site_folder(tmp_path / "site", 3)
    for _ in range(2):
        res = run_cli("clean", src, "-o", src / "out", "--learn-templates")
        assert res.exit_code == 0 and "templates: 1 sites, 3 pages" in res.output


def test_counting_in_parallel_gives_the_same_templates(tmp_path):
    src = site_folder(tmp_path / "site", 9)
    for jobs in ("1", "2"):
        assert run_cli("templates", src, "-o", tmp_path / f"t{jobs}.json", "--jobs", jobs).exit_code == 0
    assert (tmp_path / "t1.json").read_text() == (tmp_path / "t2.json").read_text()


def test_sites_of_json_lines_warc_records_meta_json_and_folders(tmp_path):
    rows = [{"text": article(i), "link": f"https://{'a' if i < 3 else 'b'}.example.com/{i}"} for i in range(6)]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert run_cli("templates", tmp_path / "docs.jsonl", "--url-field", "link", "-o", tmp_path / "j.json").exit_code == 0
    sites = json.loads((tmp_path / "j.json").read_text())["sites"]
    assert {s: e["pages"] for s, e in sites.items()} == {"a.example.com": 3, "b.example.com": 3}

    write_warc(tmp_path / "crawl.warc.gz", pages=3)
    assert run_cli("templates", tmp_path / "crawl.warc.gz", "-o", tmp_path / "w.json").exit_code == 0
    assert json.loads((tmp_path / "w.json").read_text())["sites"]["example.com"]["pages"] == 3

    one, two = site_folder(tmp_path / "pages" / "one", 2), site_folder(tmp_path / "pages" / "two", 3)
    (one / "meta.json").write_text(json.dumps({"url": "https://www.express.gr/news/1"}))
    assert run_cli("templates", tmp_path / "pages", "-o", tmp_path / "f.json").exit_code == 0
    sites = json.loads((tmp_path / "f.json").read_text())["sites"]
    assert {s: e["pages"] for s, e in sites.items()} == {"www.express.gr": 2, os.path.abspath(two): 3}


def test_misuse_is_a_usage_error_and_failures_are_reported(tmp_path):
    src = site_folder(tmp_path / "site", 3)
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    res = run_cli("templates", src, "-o", tmp_path / "t.json")
    assert res.exit_code == 1 and "image.txt: binary data (PNG image), not text" in res.output
    assert json.loads((tmp_path / "t.json").read_text())["sites"][str(src)]["pages"] == 3
    assert run_cli("clean", "-", "--learn-templates", input=article(1)).exit_code == 2
    assert run_cli("clean", src, "-o", tmp_path / "o", "--learn-templates", "--templates", tmp_path / "t.json").exit_code == 2
    assert run_cli("templates", src, "-o", src / "t.txt").exit_code == 2  # it would be read as an input


def test_skip_existing_does_not_reuse_outputs_made_with_other_templates(tmp_path):
    src = site_folder(tmp_path / "site", 3)
    assert run_cli("clean", src, "-o", tmp_path / "out", "--skip-existing").exit_code == 0
    res = run_cli("clean", src, "-o", tmp_path / "out", "--skip-existing", "--learn-templates")
    assert res.exit_code == 0 and "cleaning everything again" in res.output


def test_diff_says_on_how_many_pages_of_the_site_a_line_is(tmp_path):
    src = site_folder(tmp_path / "site", 4)
    assert run_cli("templates", src, "-o", tmp_path / "t.json").exit_code == 0
    res = run_cli("diff", src / "p2.txt", "--templates", tmp_path / "t.json")
    assert res.exit_code == 0, res.output
    assert f"site: {src}, 4 pages in the templates" in res.output
    assert res.output.count(f"on 4 of 4 pages of {src}") == 3
    record = json.loads(run_cli("diff", src / "p2.txt", "--templates", tmp_path / "t.json", "--format", "json").output)
    assert record["site_pages"] == 4
    assert [ln["text"] for ln in record["lines"] if ln.get("template_pages") == 4] == [MENU, NEWSLETTER, FOOTER]
    assert "pages of" not in run_cli("diff", src / "p2.txt").output


def test_templates_fast_counts_the_lines_clean_fast_sees(tmp_path, monkeypatch):
    """`cleaner clean --fast` extracts HTML otherwise than the default: `cleaner templates --fast`
    counts with the same extraction (the cleaner it builds is a fast one)."""
    from cleaner.cli import templates as cli_templates

    seen = []
    monkeypatch.setattr(cli_templates, "learn_batch", lambda cleaner, *a, **k: seen.append(cleaner.fast) or Templates())
    write_warc(tmp_path / "crawl.warc", pages=2, others=False)
    for args, fast in (((), False), (("--fast",), True)):
        res = run_cli("templates", tmp_path / "crawl.warc", *args, "-o", tmp_path / "t.json")
        assert res.exit_code == 0, res.output
        assert seen.pop() is fast
