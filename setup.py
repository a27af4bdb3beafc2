"""The compiled part of the package (everything else is declared in pyproject.toml): the decision
model's tree walk, `cleaner/decide/_trees.pyx`, built by Cython on install."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(ext_modules=cythonize([Extension("cleaner.decide._trees", ["cleaner/decide/_trees.pyx"],
                                       extra_compile_args=["-O3"])]))
