"""The HTML front door: trafilatura turns a page into text lines and metadata.

trafilatura is imported only here, and only when an HTML page arrives, so plain-text cleaning
starts fast. Its text then goes through the same pipeline as scraped text.
"""

from __future__ import annotations


def extract(html: str) -> tuple[str, dict[str, str | None]]:
    """(text, metadata) from an HTML page; falls back to recall mode when the default finds nothing."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, deduplicate=False)
    if not text:
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or ""
    meta: dict[str, str | None] = {}
    doc = trafilatura.extract_metadata(html)
    if doc is not None:
        for name in ("title", "author", "date", "sitename", "url"):
            value = getattr(doc, name, None)
            if value:
                meta[name] = str(value)
    return text, meta
