"""Writing outputs without losing anything.

A regular file (or a new one) is written to a temporary file beside it and renamed over it, so an
interrupted run never leaves half an output; only regular files are ever replaced that way: ``-``
is stdout, and a device, a FIFO or a symlink to one (``/dev/null``, ``/dev/stdout``) is opened and
written to, never replaced. A new file gets mode 0666 less the umask, as `open` would give it; a
replaced file keeps its mode. Outputs under an output folder never leave it (a symlink inside it
is not followed out), and an output that is, or would be read as, an input is refused.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

STDIO = "-"


class OutputError(Exception):
    """An output that cannot or must not be written; the message says which and why."""


def _read_umask() -> int:
    """The process's umask: from /proc (Linux) without changing it, else set and set back."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


UMASK = _read_umask()  # read once, at import


def new_file_mode(path: Path) -> int:
    """The mode `path` should have once written: its own if it is a regular file, else 0666 less the umask."""
    try:
        st = path.stat()
    except OSError:
        return 0o666 & ~UMASK
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~UMASK


def is_stream(path: Path) -> bool:
    """True for a path written to in place: an existing device, FIFO or socket, or a symlink
    (a symlink to a regular file is written through, so the link stays a link)."""
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode)


def reason(e: OSError) -> str:
    return e.strerror or str(e)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `path` only when the block ends without an error (written to a
    temporary file in the same folder and renamed), with the mode of `new_file_mode`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def open_output(name: str | Path, atomic: bool = True) -> Iterator[BinaryIO]:
    """The binary stream of one named output: stdout for '-', the device, FIFO or link itself for
    a stream (`is_stream`, unbuffered), else a temporary file renamed over `name` when the block
    ends without an error (`atomic`; else the file itself, written as it goes: a log that an
    interrupted run leaves as far as it got). Failing to open or to finish it is an OutputError
    naming it."""
    if str(name) == STDIO:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    path = Path(name)
    tmp: str | None = None
    try:
        if is_stream(path) or not atomic:
            f: BinaryIO = path.open("wb", buffering=0)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = new_file_mode(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.fchmod(fd, mode)
            f = os.fdopen(fd, "wb")
    except OSError as e:
        raise OutputError(f"cannot write {name}: {reason(e)}") from None
    try:
        yield f
        f.close()
        if tmp is not None:
            os.replace(tmp, path)
    except BaseException as e:
        with suppress(OSError):
            f.close()
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {name}: {reason(e)}") from None
        raise


def write_atomic(path: Path, content: str | list[str]) -> None:
    """Write `content` (UTF-8; a list of pieces one after another) to `path` atomically (see `atomic_file`)."""
    with atomic_file(path) as f:
        for piece in [content] if isinstance(content, str) else content:
            f.write(piece.encode("utf-8"))


def check_folder(folder: Path) -> None:
    """OutputError when no file can be written in `folder` (made if missing): read-only, not a
    folder, no permission; found before any work rather than once per document."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cleaner-", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise OutputError(f"cannot write in {folder}: {reason(e)}") from None


def write_inside(outdir: Path, target: Path, content: str | list[str]) -> None:
    """Write `content` to `target`, refusing (OutputError) a target whose folder, once symlinks
    are followed, is not inside `outdir` (a symlink inside the output folder pointing elsewhere)."""
    root = os.path.realpath(outdir)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = os.path.realpath(target.parent)
    if os.path.commonpath([root, folder]) != root:
        raise OutputError(f"output {target} would be written outside {outdir} (through a symlink to {folder})")
    write_atomic(target, content)


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths name one existing file (or one path, once resolved)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def inside(path: str | Path, folder: str | Path) -> bool:
    """True when `path`, resolved, is `folder` or lies under it."""
    p, f = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([p, f]) == f


def check_not_an_input(what: str, output: str | Path, inputs: Iterable[str], suffixes: tuple[str, ...]) -> None:
    """OutputError when `output` is one of the `inputs` (files), or lies in an input folder where it
    would be read as an input (a name ending in one of `suffixes`)."""
    if str(output) == STDIO or is_stream(Path(output)) and not Path(output).is_file():
        return
    for name in inputs:
        if name == STDIO:
            continue
        if os.path.isdir(name):
            if inside(output, name) and str(output).lower().endswith(suffixes):
                raise OutputError(f"{what} {output} is inside the input folder {name}, where it would be read as an input")
        elif same_file(output, name):
            raise OutputError(f"{what} {output} is an input: it would be overwritten")
