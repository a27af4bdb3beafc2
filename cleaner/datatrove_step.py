"""A datatrove pipeline step that cleans ``doc.text`` (``pip install 'cleaner[datatrove]'``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove_step import CleanerStep

    if __name__ == "__main__":
        LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanerStep(), JsonlWriter("out/")],
                              tasks=4, logging_dir="logs/").run()

The step replaces ``doc.text`` with the article body and adds ``cleaner_title``,
``cleaner_author``, ``cleaner_date`` and ``cleaner_language`` (ISO 639-1: ``en``) to ``doc.metadata`` (prefixed, so a
reader's own ``date``, such as a crawl date, is not overwritten). Its datatrove stats count, per
rule or heuristic id, the lines (``removed_lines/<id>``) and characters (``removed_chars/<id>``)
it removed. A document the cleaner cannot handle is kept unchanged and counted as ``failed``.

Site templates take two pipelines, the second run after the first (``depends=``): `TemplatesStep`
counts each task's documents per site (the host of ``doc.metadata["url"]``) and writes
``{rank:05d}.json`` to its folder; ``CleanerStep(templates=folder)`` merges those files and
gives each document the pages of its site holding each line.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable

from datatrove.data import DocumentsPipeline
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger
from datatrove.utils.typeshelper import StatHints

from . import Cleaner
from .io import formats
from .decide.language import code
from .render import CORE_FIELDS
from .io.stats import removal_counts
from .decide.templates import Templates, host, page_lines


class CleanerStep(PipelineStep):
    """Clean each document's text; `rules`, `disable` as for `cleaner.Cleaner`; `input_format`
    says what the texts are ("text", "markdown", "html"; default: found out for each document),
    `html` is the older way to say it (True: "html", False: "text"); `templates`: a templates file,
    or the folder `TemplatesStep` wrote, whose counts are given to each document of the site of
    its ``doc.metadata[url_field]``."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: Iterable[str] = (), disable: Iterable[str] = (), html: bool | None = None,
                 metadata_prefix: str = "cleaner_", input_format: str | None = None, templates: str | None = None,
                 url_field: str = "url"):
        super().__init__()
        self.rules, self.disable = tuple(map(str, rules)), tuple(disable)
        self.input_format = formats.said(input_format, html)
        self.prefix = metadata_prefix
        self.templates, self.url_field = templates, url_field
        self._cleaner: Cleaner | None = None  # built in the worker, so the step pickles small

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            templates = _load(self.templates) if self.templates is not None else None
            self._cleaner = Cleaner(rules=self.rules, disable=self.disable, templates=templates)
        return self._cleaner

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                try:
                    result = self.cleaner.clean(doc.text, source=str(doc.id), input_format=self.input_format,
                                                site=host(doc.metadata.get(self.url_field)))
                except Exception as e:  # noqa: BLE001  (one document never stops a datatrove task)
                    logger.warning(f"cleaner: document {doc.id}: {type(e).__name__}: {e}")
                    self.stat_update("failed")
                    yield doc
                    continue
            doc.text = result.text
            for name in CORE_FIELDS:
                doc.metadata[self.prefix + name] = getattr(result, name)
            doc.metadata[self.prefix + "language"] = code(result.document.language)
            for rule_id, (lines, chars) in removal_counts(result.document).items():
                self.stat_update(f"removed_lines/{rule_id}", value=lines)
                self.stat_update(f"removed_chars/{rule_id}", value=chars)
            yield doc


def _load(path: str) -> Templates:
    """The templates in a ``.json`` file, or merged from the ``*.json`` files of a folder (local or remote)."""
    if path.endswith(".json"):
        folder, names = get_datafolder(posixpath.dirname(path) or "."), [posixpath.basename(path)]
    else:
        folder = get_datafolder(path)
        names = sorted(folder.list_files(glob_pattern="*.json"))
    merged = Templates()
    for name in names:
        with folder.open(name, "rt", encoding="utf-8") as f:
            merged.merge(Templates.from_dict(json.load(f), f"{path}/{name}"))
    return merged


class TemplatesStep(PipelineStep):
    """Count each document's lines per site (the host of ``doc.metadata[url_field]``; documents
    without one are not counted) and write this task's counts to ``output_folder/{rank:05d}.json``
    when its documents are done; documents pass through unchanged. `rules`, `disable` and
    `input_format` should be the cleaning step's (they shape the lines the front door builds)."""

    name = "🧹 cleaner templates"
    type = "📊 - STATS"

    def __init__(self, output_folder: str, url_field: str = "url", input_format: str | None = None,
                 rules: Iterable[str] = (), disable: Iterable[str] = ()):
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.url_field, self.input_format = url_field, formats.said(input_format)
        self.rules, self.disable = tuple(map(str, rules)), tuple(disable)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner, counts = Cleaner(rules=self.rules, disable=self.disable), Templates()
        for doc in data:
            self.stat_update(StatHints.total)
            site = host(doc.metadata.get(self.url_field))
            if site is not None:
                with self.track_time():
                    try:
                        built, _ = cleaner.build(doc.text, str(doc.id), self.input_format)
                        counts.add(page_lines(built, site))
                        self.stat_update("counted")
                    except Exception as e:  # noqa: BLE001  (one document never stops a datatrove task)
                        logger.warning(f"cleaner templates: document {doc.id}: {type(e).__name__}: {e}")
                        self.stat_update("failed")
            yield doc
        with self.output_folder.open(f"{rank:05d}.json", "wt", encoding="utf-8") as f:
            f.write(counts.dumps(min_pages=1))  # every count: the parts are merged before lines on one page go
