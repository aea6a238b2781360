"""PySide6's import hook taken out again: the app selects none of its ``__feature__`` switches.

For its opt-in ``from __feature__ import snake_case, true_property``, PySide6 replaces
``builtins.__import__``: every import statement then runs a Python function first, and every
module imported afterwards has its source searched for "PySide6" to record whether the switches
may apply to it. A ``--smoke`` run executed ~12,100 import statements through it: ~70 ms of the
GIL (11 ms in the hook, ~60 ms reading ~1,100 module files), for nothing, since no module here
imports ``__feature__`` (``tests/test_architecture.py`` keeps it so). Without the hook a module
is simply absent from PySide6's record, and PySide6 then uses the feature set in force, which
with no switch ever selected is the default one, the same the record would have given it.
(Until session 19 the search itself was made cheaper: ``inspect.getsource`` → the file's bytes.)
"""

from __future__ import annotations

import builtins


def remove() -> bool:
    """Once PySide6 is imported: the import it wrapped back. False when its hook is not the
    import in force (PySide6 not imported yet, removed already, or wrapped by something else)."""
    original = getattr(builtins, "__orig_import__", None)
    hook = getattr(builtins, "__feature_import__", None)
    if original is None or hook is None or builtins.__import__ is not hook:
        return False  # (not PySide6's hook on top: another wrapper is left alone)
    builtins.__import__ = original
    return True
