"""Prints, as JSON, what Qt computes through ICU: collation, case mapping, time-zone names.

Run as a script (``python tests/e2e/icu_probe.py``), optionally with ``LD_PRELOAD`` naming another
ICU data library, to compare Qt's answers with and without it (tests/e2e/test_icu_data.py)."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCollator, QCoreApplication, QLocale, QTimeZone

WORDS = ["zebra", "Äpfel", "apple", "Zürich", "éclair", "edge", "ångström", "Öl", "ox", "straße", "strasse",
         "10", "9", "中文", "日本", "한국", "Ωmega", "çay", "ch", "cz", "ll", "lz"]
LOCALES = ["en_US", "de_DE", "sv_SE", "fr_FR", "es_ES", "da_DK", "tr_TR", "cs_CZ", "zh_CN", "ja_JP", "ko_KR"]


def probe() -> dict[str, object]:
    QCoreApplication.instance() or QCoreApplication([])
    out: dict[str, object] = {}
    zone = QTimeZone(b"America/New_York")
    for name in LOCALES:
        locale = QLocale(name)
        collator = QCollator(locale)
        out[f"sort {name}"] = sorted(WORDS, key=collator.sortKey)
        collator.setNumericMode(True)
        out[f"numeric {name}"] = sorted(["file10", "file9", "file1"], key=collator.sortKey)
        out[f"upper {name}"] = locale.toUpper("istanbul straße ǆ")
        out[f"lower {name}"] = locale.toLower("İSTANBUL ΣΑΣ")
        for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName):
            out[f"zone {name} {kind.name}"] = zone.displayName(QTimeZone.TimeType.StandardTime, kind, locale)
    out["zone ids"] = len(QTimeZone.availableTimeZoneIds())
    return out


if __name__ == "__main__":
    print(json.dumps(probe(), ensure_ascii=False, sort_keys=True))
