"""Shared fixtures: the repository root and the bundled seeds."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so sources print as relative paths."""
    monkeypatch.chdir(ROOT)
    return ROOT


BODY = ("The two leaders met on Monday in the capital and agreed to keep talking about trade and "
        "security over the coming months, officials said.")
ARTICLE = f"SUBSCRIBE NOW\n\nLeaders agree to keep talking\n\n{BODY}\n\nGet in Touch\n"


def run_cli(*args: object, input: str | bytes | None = None) -> Result:
    """Run the `cleaner` command line in-process; arguments may be paths."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` (relative POSIX path -> bytes): a snapshot to compare before and after."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def input_folder(tmp_path: Path, page: str, word: str, *names: str) -> Path:
    """`tmp_path/in` with one file per name: `page` with `word` replaced by the name (distinct texts)."""
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for name in names:
        (src / name).write_text(page.replace(word, name), encoding="utf-8")
    return src


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """A folder with one good article, one whitespace-only file and one image named .txt."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "empty.txt").write_text("   \n")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return src
