"""A first start fits the window to the screen, and every built-in layout fits a 1366 x 768
laptop screen (the options workspace used to grow the window past it: its panels' toolbars set
a minimum width three times over)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def _smoke_on_screen(tmp_path: Path, width: int, height: int, layout: str) -> tuple[int, int]:
    screen = tmp_path / f"screen_{width}x{height}.json"
    screen.write_text(json.dumps({"synthesizedFlag": False, "screens": [
        {"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "logicalBaseDpi": 96,
         "dpr": 1}]}))
    shot = tmp_path / f"{layout}_{width}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    data = tmp_path / f"d_{layout}_{width}"
    result = subprocess.run([sys.executable, "-m", "app", "--smoke", "--data-dir", str(data),
                             "--layout", layout, "--screenshot", str(shot)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return _png_size(shot)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["default", "options"])
def test_a_first_start_fits_a_laptop_screen(tmp_path: Path, layout: str) -> None:
    width, height = _smoke_on_screen(tmp_path, 1366, 768, layout)
    assert width <= 1366 and height <= 768 and width >= 1300  # maximised, and nothing pushed past the edge


@pytest.mark.slow
def test_a_first_start_on_a_large_screen_takes_most_of_it_centred(tmp_path: Path) -> None:
    assert _smoke_on_screen(tmp_path, 1920, 1080, "default") == (1728, 972)  # 90 %
