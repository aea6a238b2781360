"""Pure numerics: numpy/scipy/pandas in, arrays or frozen dataclasses out. No I/O, no Qt."""
