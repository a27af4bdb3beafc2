"""The per-line caches, bounded by the text that went through them rather than by their entries.

`lru_cache` bounds entries, and an entry holds a whole line: 15,000 documents each with a distinct
20 KB paragraph grew a process by half a gigabyte. `note` counts the characters of each document
cleaned and empties every per-line cache once CACHE_CHARS went through, so they hold at most the
lines of that much text, whatever the lines' lengths.
"""

from __future__ import annotations

import threading

from . import evidence, features, metadata, normalize

CACHE_CHARS = 16_000_000  # characters cleaned between two emptyings: a few tens of MB of cached lines
CACHES = (features.line_features, evidence._shape, evidence._content_words, normalize.comparison_key, metadata.parse_date)
_lock = threading.Lock()
_chars = 0


def clear() -> None:
    """Empty every per-line cache."""
    for cache in CACHES:
        cache.cache_clear()


def note(chars: int) -> None:
    """Count a document of `chars` characters; empty the caches when CACHE_CHARS went through them."""
    global _chars
    with _lock:
        _chars += chars
        if _chars < CACHE_CHARS:
            return
        _chars = 0
    clear()
