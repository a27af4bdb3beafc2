"""Training data for the decision model: every open line of every page and rendering of the corpora
in ../shared/eval, with its evidence row, its label and what scoring a decision needs.

    from linedata import load
    pages = load()          # built once (a few minutes on 2 CPUs), then read from the cache

A page is one rendering of one corpus page. Its lines are what the front door makes of the rendering
(`cleaner.io.markdown.build` for the Markdown one, `cleaner.pipeline.build` for the others); `cleaner.decide.evidence.gather` applies the certain decisions and gives the rows of the open
lines; `cleaner.score.labels.align` labels them against the truth. daniel's truth starts with the title,
which the other corpora leave out and cleaner lifts into its field: its labels are made without that
first line, so the title is junk to the model everywhere (the scores are given both ways).

Each corpus page also gives one *clean* page: the lines its innertext labels as content, as a
document of their own (rendering ``"clean"``). Cleaning must keep such a page whole (cleaning cleaned
text gives it back; `settle` cleans the kept lines again until nothing changes), and a model that
never saw clean text would read it as an odd page and erode it.

daniel's pages come from a few dozen sites: each of its renderings also gives a twin page cleaned
as one batch with the site templates learned from all daniel pages of that rendering (rendering
``"<name>+templates"``), so the model learns what a line seen on most of a site's pages means, and
still learns to do without (a page cleaned alone has no such evidence).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import data_root, pages as corpus_pages, site_of  # noqa: E402

CORPORA = ("scrapinghub", "wcxb", "daniel")
RENDERINGS = ("innertext", "inscriptis", "markdown")
CLEAN = "clean"  # the augmented rendering: the labelled lines of innertext as a page of their own
TEMPLATED = ("daniel",)  # corpora with many pages per site: their pages get a twin with site templates
TWIN = "+templates"
CACHE = Path(os.environ.get("CLEANER_TRAIN_CACHE", Path.home() / ".cache" / "cleaner-train"))
TOKEN = re.compile(r"\w+")
# the modules (and the title model) that make the rows and labels (the cache is rebuilt when one changes)
ROW_MODULES = ("document", "decide/evidence", "decide/features", "decide/heuristics", "score/labels", "decide/language",
               "decide/metadata", "decide/normalize", "pipeline", "decide/rules", "decide/wraps", "io/markdown",
               "decide/templates", "decide/titles", "decide/title_model.npz")


@dataclass
class Page:
    corpus: str
    id: str
    site: str  # pages of one site share a fold
    group: str  # wcxb page type, daniel language
    rendering: str
    truth: str  # as the corpus gives it
    truth_body: str  # without daniel's title line
    x: np.ndarray  # evidence rows of the open lines
    y: np.ndarray  # labels of the open lines (1 = main content)
    texts: list[str]  # the open lines' texts
    rule_ids: list[str | None]
    tokens: np.ndarray  # tokens per open line
    oracle: str  # the labelled lines' text (the line oracle)
    language: str | None  # the language the pipeline guessed (`Document.language`)


def truth_body(corpus: str, truth: str) -> str:
    """The truth without the title line where the corpus includes it (daniel)."""
    if corpus != "daniel":
        return truth
    lines = truth.strip().split("\n")
    return "\n".join(lines[1:])


def _build(corpus: str, page: Path, rendering: str):
    from cleaner.pipeline import build
    text = (page / f"{rendering}.txt").read_text(encoding="utf-8", errors="replace")
    if rendering == "markdown":
        from cleaner.io.markdown import build as build_markdown
        return build_markdown(text, str(page))
    return build(text, str(page))


def _page_lines(args: tuple[str, str, str]):
    """Pass 1: the distinct lines of one page, for the site templates."""
    from cleaner.decide.templates import page_lines
    corpus, path, rendering = args
    page = Path(path)
    return rendering, page_lines(_build(corpus, page, rendering), site_of(corpus, page))


_TEMPLATES: dict = {}


def _init(templates: dict) -> None:
    _TEMPLATES.update(templates)


def _extract(args: tuple[str, str, str]) -> list[Page]:
    """The page of one rendering; for innertext also its clean page; for a templated corpus its twin."""
    corpus, path, rendering = args
    from cleaner.score.labels import oracle_text
    from cleaner.pipeline import build

    page = Path(path)
    doc = _build(corpus, page, rendering)
    out = [_page(corpus, page, rendering, doc)]
    if rendering == "innertext":
        out.append(_page(corpus, page, CLEAN, build(oracle_text(*_labelled(corpus, page, doc)), str(page))))
    if corpus in TEMPLATED and rendering in _TEMPLATES:
        twin = _build(corpus, page, rendering)
        _TEMPLATES[rendering].annotate(twin, site_of(corpus, page))
        out.append(_page(corpus, page, rendering + TWIN, twin))
    return out


def _labelled(corpus: str, page: Path, doc) -> tuple[list[str], list[bool]]:
    from cleaner.score.labels import align
    body = truth_body(corpus, (page / "truth.txt").read_text(encoding="utf-8"))
    texts = [ln.text for ln in doc.lines]
    return texts, align(body, texts)


def _page(corpus: str, page: Path, rendering: str, doc) -> Page:
    from cleaner.decide import evidence
    from cleaner.score.labels import oracle_text

    meta = json.loads((page / "meta.json").read_text(encoding="utf-8"))
    truth = (page / "truth.txt").read_text(encoding="utf-8")
    texts, labels = _labelled(corpus, page, doc)  # before `gather`, which decides lines
    ev = evidence.gather(doc, _rules())
    open_texts = [doc.lines[i].text for i in ev.open]
    return Page(corpus, page.name, site_of(corpus, page), meta.get("page_type") or meta.get("language") or "",
                rendering, truth, truth_body(corpus, truth), ev.matrix,
                np.array([labels[i] for i in ev.open], np.int8), open_texts, ev.rule_ids,
                np.array([len(TOKEN.findall(t)) for t in open_texts], np.int32), oracle_text(texts, labels),
                doc.language)


_RULES = None


def _rules():
    global _RULES
    if _RULES is None:
        from cleaner.decide.rules import RuleSet
        _RULES = RuleSet.load()
    return _RULES


def code_hash() -> str:
    """Changes whenever the code or rules that make the rows change."""
    h = hashlib.sha1()
    sources = [p for p in (ROOT / "cleaner" / (m if "." in m else f"{m}.py") for m in ROW_MODULES) if p.exists()]
    for p in sources + sorted((ROOT / "rules").glob("*.toml")) + [Path(__file__)]:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load(corpora=CORPORA, renderings=RENDERINGS, jobs: int | None = None, quiet: bool = False) -> list[Page]:
    """All pages' rows, from the cache when the code has not changed."""
    key = f"{code_hash()}-{'-'.join(corpora)}-{'-'.join(renderings)}"
    path = CACHE / f"lines-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from cleaner.decide.templates import Templates
    work = [(c, str(p), r) for c in corpora for p in corpus_pages(c) for r in renderings]
    if not quiet:
        print(f"building line data for {len(work)} pages into {path} ...", file=sys.stderr)
    templates: dict = {r: Templates() for r in renderings}
    with ProcessPoolExecutor(jobs or os.cpu_count()) as pool:
        for rendering, lines in pool.map(_page_lines, [w for w in work if w[0] in TEMPLATED], chunksize=16):
            templates[rendering].add(lines)
    with ProcessPoolExecutor(jobs or os.cpu_count(), initializer=_init, initargs=(templates,)) as pool:
        out = [page for pages in pool.map(_extract, work, chunksize=16) for page in pages]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


__all__ = ["CLEAN", "CORPORA", "RENDERINGS", "TWIN", "Page", "load", "data_root"]
