"""Build the installable artefact for the OS this runs on.

    uv run --extra test python packaging/build.py [--no-archive]

Linux: a one-folder app in dist/ai-coach/ (with ai-coach.desktop and an icon) packed as
dist/ai-coach-VERSION-linux-ARCH.tar.gz. Windows: the one-folder app plus an installer from
packaging/windows/ai-coach.iss (Inno Setup's ISCC on PATH). macOS: "AI Coach.app" in a .dmg.
The version comes from the package metadata; the icon is rendered from resources/icons/app.svg
(.png/.ico/.icns as the OS wants). Prints the bundle size.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST, WORK = ROOT / "dist", ROOT / "build" / "pyinstaller"
SVG = ROOT / "resources" / "icons" / "app.svg"
APP = "ai-coach"


def render_icon(out_dir: Path) -> Path:
    """The app icon in the format this OS uses, rendered from the SVG with Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))

    def png(size: int, path: Path) -> Path:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        if not image.save(str(path)):
            raise RuntimeError(f"could not write {path}")
        return path

    out_dir.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        return png(256, out_dir / f"{APP}.ico")  # Qt's ico writer
    if sys.platform == "darwin":
        iconset = out_dir / f"{APP}.iconset"
        iconset.mkdir(exist_ok=True)
        for size in (16, 32, 128, 256, 512):
            png(size, iconset / f"icon_{size}x{size}.png")
            png(size * 2, iconset / f"icon_{size}x{size}@2x.png")
        subprocess.run(["iconutil", "-c", "icns", str(iconset), "-o", str(out_dir / f"{APP}.icns")], check=True)
        return out_dir / f"{APP}.icns"
    return png(256, out_dir / f"{APP}.png")


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def strip_symbols(app_dir: Path) -> None:
    """Drop symbol tables from the bundle's shared libraries (Linux: tens of MB). Libraries that
    auditwheel vendored into ``*.libs`` folders are left alone: their ELF layout breaks when
    stripped (numpy's OpenBLAS then fails to load)."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found: symbols kept")
        return
    files = [f for f in app_dir.rglob("*.so*") if f.is_file() and not f.is_symlink()
             and not any(part.endswith(".libs") for part in f.parts)]
    for f in files:
        subprocess.run([strip, "--strip-unneeded", str(f)], capture_output=True)


def desktop_entry(app_dir: Path, icon: Path) -> None:
    shutil.copy(icon, app_dir / f"{APP}.png")
    (app_dir / f"{APP}.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=AI Coach\nComment=Trading assistant for options and day traders\n"
        f"Exec={APP}\nIcon={APP}\nTerminal=false\nCategories=Office;Finance;\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="build the folder only (tests)")
    args = parser.parse_args()
    from analytics import kernels

    if kernels.compiled is None:  # the bundle leaves out SciPy's filters, the numpy fallback's
        print("the C indicator kernels are not built (no C compiler?): install one and re-run "
              "`uv sync --reinstall-package ai-coach-desktop`", file=sys.stderr)
        return 2
    ver = version("ai-coach-desktop")
    icon = render_icon(WORK / "icon")
    env = {**os.environ, "AI_COACH_ICON": str(icon), "AI_COACH_VERSION": ver}
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "packaging" / "ai_coach.spec"), "--noconfirm",
                    "--clean", "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK)],
                   check=True, env=env, cwd=ROOT)
    app_dir = DIST / APP
    if sys.platform.startswith("linux"):
        strip_symbols(app_dir)
    print(f"bundle: {app_dir} — {folder_size(app_dir) / 1e6:.0f} MB (one folder)")
    if args.no_archive:
        return 0
    arch = platform.machine().lower()
    if sys.platform.startswith("linux"):
        desktop_entry(app_dir, icon)
        archive = DIST / f"{APP}-{ver}-linux-{arch}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(app_dir, arcname=APP)
        print(f"artefact: {archive} — {archive.stat().st_size / 1e6:.0f} MB")
    elif sys.platform == "win32":
        iscc = shutil.which("ISCC") or shutil.which("iscc")
        if iscc is None:
            print("Inno Setup (ISCC) not found: the one-folder app is in dist/ai-coach; no installer built")
            return 1
        subprocess.run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={app_dir}", f"/DIconFile={icon}",
                        f"/DOutputDir={DIST}", str(ROOT / "packaging" / "windows" / "ai-coach.iss")], check=True)
    elif sys.platform == "darwin":
        dmg = DIST / f"AI-Coach-{ver}-macos-{arch}.dmg"
        subprocess.run(["hdiutil", "create", "-volname", "AI Coach", "-srcfolder", str(DIST / "AI Coach.app"),
                        "-ov", "-format", "UDZO", str(dmg)], check=True)
        print(f"artefact: {dmg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
