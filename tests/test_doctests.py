"""The examples in the package's docstrings run as tests."""

import doctest
import importlib
import pkgutil

import pytest

import cleaner

MODULES = sorted(m.name for m in pkgutil.walk_packages(cleaner.__path__, "cleaner.")
                 if m.name not in ("cleaner.__main__", "cleaner.datatrove_step"))


@pytest.mark.parametrize("name", ["cleaner", *MODULES])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
