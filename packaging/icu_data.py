"""A smaller ICU data library for the Linux bundle: only the data Qt's ICU calls read.

PySide6's Linux wheels link Qt Core to ICU, whose data library (``libicudata.so.NN``, 32 MB) is
the largest file in the bundle. Qt Core calls ICU for four things only (its undefined ICU
symbols): collation (``ucol_*``: QCollator, e.g. sorting in file dialogs), time-zone ids and
display names (``ucal_*``), locale-aware case mapping (``u_strTo*``, data compiled into ICU's
code) and legacy text codecs (``ucnv_*``: QStringDecoder for e.g. Shift-JIS, which the app never
asks for). The data behind break iteration, units, currencies, language/region names,
transliteration, number spelling and the legacy charset tables is never read, so it is left out:
the package is rebuilt without those items and assembled into a library with the same soname
and data symbol (``icudtNN_dat``).

The format is ICU's "common data" package (``CmnD``): a data header, a table of contents
(count, then name/data offsets relative to the table) sorted by name, names, then items each
aligned to 16 bytes. Items keep their order, so the table stays sorted for ICU's binary search.
"""

from __future__ import annotations

import re
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Trees and item kinds Qt never asks ICU for (see the module docstring).
DROPPED_TREES = ("brkitr", "unit", "curr", "lang", "region", "translit", "rbnf")
DROPPED_SUFFIXES = (".cnv",)  # legacy charset tables; the alias table (cnvalias.icu) stays
ALIGN = 16


@dataclass(frozen=True)
class IcuPackage:
    header: bytes  # data header + info + copyright, copied as is
    items: tuple[tuple[str, bytes], ...]  # (name like "icudt73l/coll/root.res", item bytes), sorted


def symbol_name(package: IcuPackage) -> str:
    """The C symbol ICU links against, e.g. ``icudt73_dat`` for items named ``icudt73l/...``."""
    match = re.match(r"icudt(\d+)[lbe]/", package.items[0][0])
    if not match:
        raise ValueError(f"not an ICU data package: first item {package.items[0][0]!r}")
    return f"icudt{match.group(1)}_dat"


def find_package(blob: bytes) -> tuple[int, int]:
    """(offset, length) of the common-data package in an ELF data library or a .dat file."""
    if blob[:4] != b"\x7fELF":
        return 0, len(blob)
    sections = _elf_sections(blob)
    for name, value, size in _elf_dynamic_symbols(blob, sections):
        if re.fullmatch(r"icudt\d+_dat", name):
            return _file_offset(sections, value), size
    raise ValueError("no icudtNN_dat symbol: not an ICU data library")


def _elf_sections(blob: bytes) -> list[tuple[int, int, int, int, int, int]]:
    """(type, address, offset, size, link, entry size) of each section of a 64-bit little-endian ELF."""
    if blob[4] != 2 or blob[5] != 1:
        raise ValueError("only 64-bit little-endian ELF is supported")
    shoff, = struct.unpack_from("<Q", blob, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", blob, 0x3A)
    sections = []
    for i in range(shnum):
        fields = struct.unpack_from("<IIQQQQIIQQ", blob, shoff + i * shentsize)
        _, kind, _, addr, offset, size, link, _, _, entsize = fields
        sections.append((kind, addr, offset, size, link, entsize))
    return sections


def _elf_dynamic_symbols(blob: bytes, sections: list[tuple[int, int, int, int, int, int]]
                         ) -> Iterator[tuple[str, int, int]]:
    for kind, _, offset, size, link, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link][2]
        for at in range(offset, offset + size, entsize):
            name_at, _, _, _, value, sym_size = struct.unpack_from("<IBBHQQ", blob, at)
            name_end = blob.index(b"\0", strtab + name_at)
            yield blob[strtab + name_at:name_end].decode("ascii", "replace"), value, sym_size


def _file_offset(sections: list[tuple[int, int, int, int, int, int]], address: int) -> int:
    for kind, addr, offset, size, _, _ in sections:
        if kind != 8 and addr <= address < addr + size:  # not SHT_NOBITS
            return offset + address - addr
    raise ValueError(f"address {address:#x} is in no section")


def read_package(blob: bytes) -> IcuPackage:
    offset, length = find_package(blob)
    data = blob[offset:offset + length]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package (CmnD)")
    header_size, = struct.unpack_from("<H", data, 0)
    toc = header_size
    count, = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        name_end = data.index(b"\0", toc + name_offset)
        end = toc + entries[i + 1][1] if i + 1 < count else len(data)
        items.append((data[toc + name_offset:name_end].decode("ascii"), data[toc + data_offset:end]))
    return IcuPackage(header=data[:header_size], items=tuple(items))


def pack(package: IcuPackage) -> bytes:
    count = len(package.items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in package.items)
    table_size = 4 + 8 * count
    first_data = _aligned(table_size + len(names))
    name_offsets, data_offsets, body = [], [], bytearray()
    name_at, data_at = table_size, first_data
    for name, item in package.items:
        name_offsets.append(name_at)
        name_at += len(name) + 1
        data_offsets.append(data_at)
        padded = item + b"\0" * (_aligned(len(item)) - len(item))
        body += padded
        data_at += len(padded)
    offsets = b"".join(struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True))
    table = struct.pack("<I", count) + offsets
    toc = table + names + b"\xaa" * (first_data - table_size - len(names))  # ICU's pkg pads with 0xaa
    return package.header + toc + bytes(body)


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def is_kept(name: str) -> bool:
    parts = name.split("/")
    if len(parts) > 2 and parts[1] in DROPPED_TREES:
        return False
    return not name.endswith(DROPPED_SUFFIXES)


def filtered(package: IcuPackage, keep: Callable[[str], bool] = is_kept) -> IcuPackage:
    return IcuPackage(package.header, tuple(item for item in package.items if keep(item[0])))


def build_library(source: Path, target: Path, keep: Callable[[str], bool] = is_kept,
                  compiler: str = "cc") -> tuple[int, int]:
    """Write a filtered copy of the ICU data library ``source`` to ``target``.

    Returns (original package bytes, filtered package bytes)."""
    blob = source.read_bytes()
    package = read_package(blob)
    small = pack(filtered(package, keep))
    soname = _soname(blob) or source.name
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "icudata.bin"
        data_file.write_bytes(small)
        symbol = symbol_name(package)
        asm = Path(tmp) / "icudata.S"
        asm.write_text(
            ".section .rodata\n"
            f".global {symbol}\n.type {symbol}, @object\n.balign {ALIGN}\n{symbol}:\n"
            f'.incbin "{data_file.as_posix()}"\n.size {symbol}, .-{symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n'
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([compiler, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(target), str(asm)],
                       check=True, capture_output=True, text=True)
    return find_package(blob)[1], len(small)


def _soname(blob: bytes) -> str | None:
    match = re.search(rb"(libicudata\.so\.\d+)\0", blob)
    return match.group(1).decode() if match else None


def slim_binaries(binaries: list, work_dir: Path) -> list:
    """PyInstaller's binaries list with each ICU data library swapped for its filtered build."""
    slimmed = []
    for entry in binaries:
        dest, source, kind = entry[0], entry[1], entry[2]
        if re.fullmatch(r"libicudata\.so\.\d+", Path(dest).name):
            target = work_dir / Path(dest).name
            before, after = build_library(Path(source), target)
            print(f"icu_data: {Path(dest).name} package {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
            entry = (dest, str(target), kind)
        slimmed.append(entry)
    return slimmed
