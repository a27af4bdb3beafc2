"""Shared fixtures: the repository root and the bundled seeds."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so sources print as relative paths."""
    monkeypatch.chdir(ROOT)
    return ROOT
