"""The edge of the pipeline: finding inputs, mapping them to outputs, writing atomically, and
reporting failures without stopping the batch.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import Cleaner, Result, render
from .read import NotText, decode

SUFFIXES = (".txt", ".html", ".htm")
STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One document to clean: `path` (None for stdin) and `rel`, its path relative to the folder
    it was found in, which decides where its output goes."""

    path: Path | None
    rel: Path

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)


class InputError(Exception):
    """A document that cannot be cleaned; the message says why in one line."""


def find_inputs(args: Iterable[str]) -> Iterator[Input]:
    """Expand command-line inputs: files, folders (searched recursively), and '-' for stdin."""
    for arg in args:
        if arg == STDIN:
            yield Input(None, Path("stdin.txt"))
            continue
        p = Path(arg)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(SUFFIXES):
                        full = Path(root) / f
                        yield Input(full, full.relative_to(p))
        else:
            yield Input(p, Path(p.name))


def output_path(outdir: Path, item: Input, fmt: str) -> Path:
    """Where the output of `item` goes: OUTDIR/sub/name.txt (or .json), always inside OUTDIR."""
    rel = Path(*[part for part in item.rel.parts if part not in ("", ".", "..", os.sep)])
    return outdir / rel.with_suffix(".json" if fmt == "json" else ".txt")


def read_input(item: Input) -> bytes:
    if item.path is None:
        return sys.stdin.buffer.read()
    try:
        return item.path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except FileNotFoundError:
        raise InputError("no such file (or a broken link)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as e:
        raise InputError(e.strerror or str(e)) from None


def clean_input(cleaner: Cleaner, item: Input, data: bytes) -> Result:
    """Clean the bytes of one input; raise InputError for input that is not a text document."""
    try:
        text = decode(data)
    except NotText as e:
        raise InputError(str(e)) from None
    if not text.strip():
        raise InputError("empty input (no text)")
    return cleaner.clean(text, source=item.name)


def render_result(result: Result, fmt: str, with_metadata: bool = False, one_line: bool = False) -> str:
    """The output text of one result: the body (optionally with a metadata header) or JSON
    (indented, or on one line for JSON lines)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=None if one_line else 1) + "\n"
    text = render.with_metadata(result.document, result.text) if with_metadata else result.text
    return text + "\n" if text else ""


def write_atomic(path: Path, content: str) -> None:
    """Write `content` to `path` through a temporary file in the same folder and a rename, so an
    interrupted run never leaves a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
