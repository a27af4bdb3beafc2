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
"""

from __future__ import annotations

from collections.abc import Iterable

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger
from datatrove.utils.typeshelper import StatHints

from . import Cleaner, formats
from .language import code
from .render import CORE_FIELDS
from .stats import removal_counts



class CleanerStep(PipelineStep):
    """Clean each document's text; `rules`, `disable` as for `cleaner.Cleaner`; `input_format`
    says what the texts are ("text", "markdown", "html"; default: found out for each document),
    `html` is the older way to say it (True: "html", False: "text")."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: Iterable[str] = (), disable: Iterable[str] = (), html: bool | None = None,
                 metadata_prefix: str = "cleaner_", input_format: str | None = None):
        super().__init__()
        self.rules, self.disable = tuple(map(str, rules)), tuple(disable)
        self.input_format = formats.said(input_format, html)
        self.prefix = metadata_prefix
        self._cleaner: Cleaner | None = None  # built in the worker, so the step pickles small

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner(rules=self.rules, disable=self.disable)
        return self._cleaner

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                try:
                    result = self.cleaner.clean(doc.text, source=str(doc.id), input_format=self.input_format)
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
