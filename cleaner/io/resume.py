"""What `--skip-existing` may trust: outputs made by this cleaner, with these rules and options.

A run with --skip-existing writes a fingerprint of the cleaner's code, its rules and the options
that shape an output to FINGERPRINT in the output folder (into a new folder before it starts, else
once it has finished). It skips up-to-date outputs only when the stored fingerprint is its own;
otherwise (another version, other rules or options, or outputs of a run without --skip-existing,
which stores none) it cleans everything again. An interrupted run leaves the old fingerprint, so
its outputs are never trusted by mistake.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import Cleaner, __version__
from .outputs import write_atomic

FINGERPRINT = ".cleaner-fingerprint"


def fingerprint(cleaner: Cleaner, **options: object) -> str:
    """A digest of the package's code and data, the cleaner's rules and switches, and `options`."""
    digest = hashlib.sha256(f"{__version__}\n{sorted(options.items())!r}\n{cleaner.disabled!r}\n".encode())
    for rule in cleaner.rules.rules:
        digest.update(repr((rule.id, rule.kind, rule.pattern, rule.field, rule.max_words, rule.case_sensitive,
                            rule.contains, rule.certain)).encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json", ".toml")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stored(outdir: Path) -> str | None:
    """The fingerprint stored in `outdir`, if any."""
    try:
        return (outdir / FINGERPRINT).read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def is_fresh(outdir: Path) -> bool:
    """True when `outdir` holds no file yet (a new output folder)."""
    return not outdir.exists() or not any(p.is_file() for p in outdir.rglob("*"))


def store(outdir: Path, digest: str) -> None:
    write_atomic(outdir / FINGERPRINT, f"{digest}\ncleaner {__version__}: the code, rules and options that made "
                                       "these outputs (cleaner clean --skip-existing reads it)\n")
