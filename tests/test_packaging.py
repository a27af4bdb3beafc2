"""A non-editable install must carry the rule sets inside the package."""

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_ships_the_rule_sets(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True)
    wheel = next(tmp_path.glob("cleaner-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in sorted((ROOT / "rules").glob("*.toml")):
        assert f"cleaner/rules/{f.name}" in names
    assert "cleaner/html/html_chooser.json" in names  # the HTML path's chooser model
    assert "cleaner/decide/line_model.npz" in names  # the decision model
    assert "cleaner/decide/title_model.npz" in names  # the title model


def test_installed_package_finds_its_rules():
    from cleaner.decide.rules import default_rules_dir

    assert (default_rules_dir() / "nav.toml").is_file()
    assert Path(default_rules_dir()).name == "rules"
