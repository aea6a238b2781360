"""The app's processes run numpy without its huge-page advice unless the environment says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROBE = ("import sys; from app.cli import main\n"
         "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
         "import numpy\nprint(numpy._core.multiarray._get_madvise_hugepage())")


@pytest.mark.skipif(sys.platform != "linux", reason="numpy advises huge pages on Linux only")
@pytest.mark.parametrize(("setting", "advised"), [(None, "False"), ("1", "True"), ("0", "False")])
def test_numpy_huge_page_advice_is_off_unless_the_environment_sets_it(setting: str | None, advised: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if setting is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = setting
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.splitlines()[-1] == advised
