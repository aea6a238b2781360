"""The installer's filtered ICU data (packaging/icu_data.py): exact format, same answers from Qt."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("icu_data", REPO / "packaging" / "icu_data.py")
icu_data = sys.modules.setdefault("icu_data", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(icu_data)


def _wheel_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 build ships no ICU data library (only Linux wheels do)")
    return found[0]


def test_the_package_is_read_and_written_back_byte_for_byte() -> None:
    blob = _wheel_icu_data().read_bytes()
    offset, length = icu_data.find_package(blob)
    package = icu_data.read_package(blob)
    assert len(package.items) > 1000
    assert icu_data.pack(package) == blob[offset:offset + length]
    assert icu_data.symbol_name(package).startswith("icudt") and icu_data.symbol_name(package).endswith("_dat")


def test_the_filter_keeps_what_qt_reads_and_drops_the_rest() -> None:
    package = icu_data.read_package(_wheel_icu_data().read_bytes())
    kept = [name for name, _ in icu_data.filtered(package).items]
    assert kept == sorted(kept)  # ICU binary-searches the table
    trees = {name.split("/")[1] for name in kept if name.count("/") > 1}
    assert {"coll", "zone"} <= trees
    assert not trees & set(icu_data.DROPPED_TREES)
    tails = {name.split("/", 1)[1] for name in kept}
    assert {"coll/root.res", "coll/ucadata.icu", "zoneinfo64.res", "cnvalias.icu", "root.res"} <= tails
    assert not any(name.endswith(".cnv") for name in kept)
    assert len(icu_data.pack(icu_data.filtered(package))) < 0.4 * len(icu_data.pack(package))


def test_a_non_icu_file_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="CmnD"):
        icu_data.read_package(b"\0" * 64)


def _probe(preload: Path | None) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)  # same soname: the loader uses it for Qt's ICU
    run = subprocess.run([sys.executable, str(REPO / "tests" / "e2e" / "icu_probe.py")], env=env, capture_output=True,
                         text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to assemble the data library")
def test_qt_gives_the_same_answers_with_the_filtered_library(tmp_path: Path) -> None:
    source = _wheel_icu_data()
    slim = tmp_path / "slim" / source.name
    before, after = icu_data.build_library(source, slim)
    assert after < before and slim.stat().st_size < source.stat().st_size / 2
    reference = _probe(None)
    assert _probe(slim) == reference
    # The probe really reads ICU data: without the collation tree the sort orders change.
    no_collation = tmp_path / "no-collation" / source.name
    icu_data.build_library(source, no_collation, keep=lambda name: icu_data.is_kept(name) and "/coll/" not in name)
    assert _probe(no_collation) != reference


def test_the_bundle_list_swaps_only_the_data_library(tmp_path: Path) -> None:
    source = _wheel_icu_data()
    if shutil.which("cc") is None:
        pytest.skip("no C compiler to assemble the data library")
    binaries = [(f"PySide6/Qt/lib/{source.name}", str(source), "BINARY"),
                ("PySide6/Qt/lib/libQt6Core.so.6", "/somewhere/libQt6Core.so.6", "BINARY")]
    slimmed = icu_data.slim_binaries(binaries, tmp_path)
    assert slimmed[1] == binaries[1]
    assert slimmed[0][0] == binaries[0][0] and Path(slimmed[0][1]) == tmp_path / source.name
    assert (tmp_path / source.name).stat().st_size < source.stat().st_size
