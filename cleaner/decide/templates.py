"""Site templates: on how many pages of its site each line appears, counted over a batch.

A line that appears word for word on most pages of one site (its menu, its footer, the newsletter
box) is template, whatever it looks like; a line on one page only is that page's own. `Templates`
counts, per site, the pages holding each distinct line (once per page), over the lines the
pipeline sees after the front door (`Cleaner.build`: wraps repaired for text, the extracted text
for HTML). It stores an 8-byte blake2b hash of each line's comparison key (case and punctuation
erased: `normalize.comparison_key`), never the line, except the texts of a few repeated lines per
site, kept for review.

Memory is bounded whatever the batch: at most PAGE_LINES distinct lines of a page are counted
(its first and last halves: templates frame a page, `page_lines`), a site keeps at most
`site_lines` hashes and all sites together `total_lines`. When a limit is passed, the hashes seen on the fewest pages are
dropped (those seen once first) until half the limit is left, and the site's `missed` grows by the
largest count dropped: a line's true count is at most its count plus `missed`. Lines seen on many
pages are dropped last, so template lines keep their counts; a line seen on fewer pages than
about one in ``site_lines / (2 * lines per page)`` may be undercounted.

A site is the host of the page's URL when one is known (`host`), else the name a batch gives
(the input's folder). Lines seen on fewer than `MIN_PAGES` pages are no evidence: `share` counts
them 0, and a saved file leaves them out, so cleaning with a saved file gives what cleaning with
the counts in memory gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..document import Document
from .normalize import comparison_key

FORMAT = "cleaner-templates/1"
HASH = "blake2b, 8 bytes, of normalize.comparison_key(line)"
MIN_PAGES = 2  # a line on fewer pages of its site is no evidence
PAGE_LINES = 1_000  # distinct lines of one page counted: its first and last halves
SITE_LINES = 20_000  # hashes kept per site
TOTAL_LINES = 1_000_000  # hashes kept over all sites (about 70 MB, twice that while dropping)
REVIEW_LINES = 50  # repeated lines per site whose text is kept for review


class TemplatesError(ValueError):
    """A templates file that cannot be read; the message names it and says why."""


def key(text: str) -> int | None:
    """The hash of a line as templates count it (None for a line without letters or digits).

    >>> key("Latest World News") == key("LATEST world news!"), key(" | ")
    (True, None)
    """
    normal = comparison_key(text)
    if not normal:
        return None
    return int.from_bytes(hashlib.blake2b(normal.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def host(url: str | None) -> str | None:
    """The host of `url`, lower case, without port or trailing dot (None when it has none).

    >>> host("https://WWW.Example.com:8080/a?b"), host("example.org/page"), host("not a url"), host(None)
    ('www.example.com', 'example.org', None, None)
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
        name = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    return name if name and " " not in name and ("." in name or name == "localhost") else None


def site_of(doc: Document, site: str | None = None, fallback: str | None = None) -> str | None:
    """The site of a built document: `site` when the caller knows it (the host of its URL), else
    the host of the page's own URL (HTML: ``<link rel=canonical>``, ``og:url``), else `fallback`."""
    return site or host(doc.metadata.get("url")) or fallback


META_BYTES = 1 << 20  # a meta.json larger than this is not read


def file_site(path: Path) -> tuple[str | None, str]:
    """The site of a file: the host of the ``url`` in a ``meta.json`` beside it (None when there
    is none), and the file's folder (absolute), the site when nothing names one."""
    meta = path.parent / "meta.json"
    url = None
    try:
        if stat.S_ISREG(meta.stat().st_mode):
            with meta.open("rb") as f:
                data = json.loads(f.read(META_BYTES))
            url = data.get("url") if isinstance(data, dict) else None
    except (OSError, ValueError, RecursionError):
        pass
    return host(url), os.path.abspath(path.parent)


@dataclass(frozen=True)
class PageLines:
    """The distinct lines of one page, as hashes, with their texts, and its site."""

    site: str
    keys: tuple[int | None, ...]
    texts: tuple[str, ...]


def page_lines(doc: Document, site: str, limit: int = PAGE_LINES) -> PageLines:
    """The distinct lines of a built document (at most `limit`: its first and last halves)."""
    seen: dict[int, str] = {}
    for line in doc.lines:
        k = key(line.text)
        if k is not None and k not in seen:
            seen[k] = line.text
    items = list(seen.items())
    if len(items) > limit:
        items = items[:limit // 2] + items[len(items) - (limit - limit // 2):]
    return PageLines(site, tuple(k for k, _ in items), tuple(t for _, t in items))


@dataclass
class _Site:
    pages: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    missed: int = 0
    texts: dict[int, str] = field(default_factory=dict)


class Templates:
    """Pages per line per site (see the module docstring). Count with `add` (or `merge` another
    count), read with `share`, keep with `save` and `load`; `annotate` puts the counts on a
    document's lines for the decisions."""

    def __init__(self, site_lines: int = SITE_LINES, total_lines: int = TOTAL_LINES):
        self.site_lines, self.total_lines = site_lines, total_lines
        self.sites: dict[str, _Site] = {}
        self.stored = 0  # hashes kept over all sites

    def add(self, page: PageLines) -> None:
        """Count one page: each of its distinct lines once (a key None, a line without words, not at all)."""
        s = self.sites.setdefault(page.site, _Site())
        s.pages += 1
        before = len(s.counts)
        texts = dict(zip(page.keys, page.texts))
        for k in dict.fromkeys(page.keys):
            if k is None:
                continue
            n = s.counts.get(k, 0) + 1
            s.counts[k] = n
            if n == MIN_PAGES and len(s.texts) < REVIEW_LINES and k in texts:
                s.texts[k] = texts[k]
        self.stored += len(s.counts) - before
        self._bound(s)

    def merge(self, other: Templates) -> None:
        """Add the counts of `other` (another part of the same batch) to these."""
        for name, o in other.sites.items():
            s = self.sites.setdefault(name, _Site())
            before = len(s.counts)
            s.pages += o.pages
            s.missed += o.missed
            for k, n in o.counts.items():
                s.counts[k] = s.counts.get(k, 0) + n
            for k, text in o.texts.items():
                if len(s.texts) < REVIEW_LINES and k in s.counts:
                    s.texts.setdefault(k, text)
            self.stored += len(s.counts) - before
            self._bound(s)

    def _bound(self, site: _Site) -> None:
        if len(site.counts) > self.site_lines:
            self._drop([site], self.site_lines // 2)
        if self.stored > self.total_lines:
            self._drop(list(self.sites.values()), self.total_lines // 2)

    def _drop(self, sites: list[_Site], target: int) -> None:
        """Drop the hashes seen on the fewest pages in `sites` until at most `target` are left."""
        histogram = Counter(n for s in sites for n in s.counts.values())
        left, limit = sum(histogram.values()), 0
        for n in sorted(histogram):
            if left <= target:
                break
            left, limit = left - histogram[n], n
        for s in sites:
            before = len(s.counts)
            s.counts = {k: n for k, n in s.counts.items() if n > limit}
            if len(s.counts) < before:
                s.missed += limit
                s.texts = {k: t for k, t in s.texts.items() if k in s.counts}
            self.stored -= before - len(s.counts)

    def pages(self, site: str) -> int:
        """How many pages of `site` were counted."""
        s = self.sites.get(site)
        return s.pages if s else 0

    def share(self, site: str, line_text: str) -> tuple[int, int]:
        """(pages of `site` holding the line, pages of `site`); a line seen on fewer than
        MIN_PAGES pages counts 0."""
        s = self.sites.get(site)
        if s is None:
            return 0, 0
        k = key(line_text)
        n = s.counts.get(k, 0) if k is not None else 0
        return (n if n >= MIN_PAGES else 0), s.pages

    def annotate(self, doc: Document, site: str | None) -> None:
        """Set `doc.site`, `doc.site_pages` and each line's `template_pages` (see `share`);
        nothing when the site is unknown (None)."""
        if site is None:
            return
        doc.site, doc.site_pages = site, self.pages(site)
        for line in doc.lines:
            line.template_pages = self.share(site, line.text)[0]

    def to_dict(self, min_pages: int = MIN_PAGES) -> dict[str, Any]:
        """The counts as JSON: per site its pages, `missed` and its lines seen on at least
        `min_pages` pages (hash, pages, and the text for the most frequent), most frequent first."""
        sites = {}
        for name in sorted(self.sites):
            s = self.sites[name]
            lines = sorted(((n, k) for k, n in s.counts.items() if n >= min_pages), key=lambda nk: (-nk[0], nk[1]))
            sites[name] = {"pages": s.pages, "missed": s.missed, "lines": [
                {"hash": f"{k:016x}", "pages": n, **({"text": s.texts[k]} if k in s.texts else {})}
                for n, k in lines]}
        return {"format": FORMAT, "hash": HASH, "min_pages": min_pages, "sites": sites}

    @classmethod
    def from_dict(cls, data: Any, name: str = "<templates>") -> Templates:
        """The counts of `to_dict`'s JSON; TemplatesError when it is not such a file."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("sites"), dict):
            raise TemplatesError(f"{name}: not a templates file ('format' is not {FORMAT!r}; "
                                 "write one with 'cleaner templates')")
        t = cls()
        try:
            for site, entry in data["sites"].items():
                s = _Site(int(entry["pages"]), missed=int(entry.get("missed", 0)))
                for line in entry["lines"]:
                    k = int(line["hash"], 16)
                    s.counts[k] = int(line["pages"])
                    if isinstance(line.get("text"), str):
                        s.texts[k] = line["text"]
                t.sites[str(site)] = s
                t.stored += len(s.counts)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise TemplatesError(f"{name}: a site entry is malformed ({type(e).__name__}: {e})") from None
        return t

    def save(self, path: str | Path, min_pages: int = MIN_PAGES) -> None:
        """Write the counts to `path` as JSON (see `to_dict`), atomically."""
        from ..io.outputs import write_atomic

        write_atomic(Path(path), self.dumps(min_pages))

    def dumps(self, min_pages: int = MIN_PAGES) -> str:
        """The JSON text of `to_dict`, one line per repeated line for review."""
        from ..render import json_text

        data = self.to_dict(min_pages)
        sites = ",\n".join(
            f" {json_text(name)}: {{\"pages\": {e['pages']}, \"missed\": {e['missed']}, \"lines\": ["
            + ",".join("\n  " + json_text(ln) for ln in e["lines"]) + "]}"
            for name, e in data["sites"].items())
        head = json_text({k: v for k, v in data.items() if k != "sites"})
        return head[:-1] + ', "sites": {\n' + sites + "\n}}\n"

    @classmethod
    def load(cls, paths: str | Path | Iterable[str | Path]) -> Templates:
        """The counts in a templates file, or the merged counts of several files (a folder: its
        ``*.json`` files); TemplatesError names a file that cannot be read."""
        if isinstance(paths, (str, Path)):
            p = Path(paths)
            paths = sorted(p.glob("*.json")) if p.is_dir() else [p]
        merged: Templates | None = None
        for path in paths:
            try:
                data = json.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as e:
                raise TemplatesError(f"{path}: cannot read: {e.strerror or e}") from None
            except ValueError as e:
                raise TemplatesError(f"{path}: not JSON ({e})") from None
            part = cls.from_dict(data, str(path))
            if merged is None:
                merged = part
            else:
                merged.merge(part)
        if merged is None:
            raise TemplatesError(f"{paths}: no templates file (*.json) there")
        return merged

    def digest(self) -> str:
        """A digest of the counts that decide (lines seen on MIN_PAGES or more), for fingerprints."""
        h = hashlib.sha256()
        for name in sorted(self.sites):
            s = self.sites[name]
            h.update(f"{name}\0{s.pages}\0".encode("utf-8", "surrogatepass"))
            h.update(repr(sorted((k, n) for k, n in s.counts.items() if n >= MIN_PAGES)).encode())
        return h.hexdigest()

    def summary(self) -> str:
        """One line: sites, pages, repeated lines."""
        pages = sum(s.pages for s in self.sites.values())
        repeated = sum(1 for s in self.sites.values() for n in s.counts.values() if n >= MIN_PAGES)
        return f"templates: {len(self.sites)} sites, {pages} pages, {repeated} lines seen on {MIN_PAGES} or more pages of their site"


def learn(pages: Iterable[PageLines | None], templates: Templates | None = None) -> Templates:
    """Count `pages` (None: a page that failed) into `templates` (new by default) and return it."""
    templates = templates if templates is not None else Templates()
    for page in pages:
        if page is not None:
            templates.add(page)
    return templates
