"""Build hook for the optional C indicator kernels; all other metadata is in pyproject.toml.

``optional=True``: on a machine without a C compiler the install still succeeds and
``analytics.kernels`` falls back to numpy (same numbers, slower on long series).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("analytics._kernels", ["analytics/_kernels.c"], optional=True)])
