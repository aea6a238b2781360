"""Build hook for the optional C indicator kernels; all other metadata is in pyproject.toml.

``optional=True``: on a machine without a C compiler the install still succeeds and
``analytics.kernels`` falls back to numpy (same numbers, slower on long series).
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# GCC/Clang only: optimise fully (some Pythons build with -O2) and let sqrt be one instruction
# (errno is never read); never -ffast-math, the kernels rely on NaN and inf semantics.
UNIX_FLAGS = ["-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"]


class BuildExt(build_ext):
    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, *UNIX_FLAGS]
        super().build_extensions()


# The module (method table, PyInit) is analytics/_kernels.c; the kernels are in analytics/_kernels_src/.
KERNEL_SOURCES = ["analytics/_kernels.c", *(f"analytics/_kernels_src/{name}.c" for name in
                                            ("buffers", "indicators", "ndtr", "greeks", "implied_vol"))]
KERNEL_HEADERS = [f"analytics/_kernels_src/{name}.h" for name in
                  ("common", "buffers", "kernels", "normal", "fast_math")]

setup(ext_modules=[Extension("analytics._kernels", KERNEL_SOURCES, depends=KERNEL_HEADERS, optional=True)],
      cmdclass={"build_ext": BuildExt})
