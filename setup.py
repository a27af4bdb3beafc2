"""The compiled parts of the package (everything else is declared in pyproject.toml), built by Cython
on install: the decision model's tree walk (`cleaner/decide/_trees.pyx`) and the lines' shape figures
(`cleaner/decide/_figures.pyx`)."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(ext_modules=cythonize([Extension(f"cleaner.decide.{name}", [f"cleaner/decide/{name}.pyx"], extra_compile_args=["-O3"])
                             for name in ("_trees", "_figures")]))
