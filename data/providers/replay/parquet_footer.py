"""Walk a Parquet footer (Thrift compact protocol) in pure Python before any native decoder sees it.

Only the framing is checked — every length, list size and nesting level must fit in the bytes
there are — which is what fastparquet's decoder trusts: a binary field whose length runs past
the footer crashes it, a list of 2**28 elements makes it loop. A footer that passes still goes
to the decoder in a child process; this check makes the common hostile cases fast and clear.
"""

from __future__ import annotations

MAX_DEPTH = 64
_FIXED = {1: 0, 2: 0, 3: 1, 7: 8}  # bool true/false (in the header), byte, double
_VARINT = (4, 5, 6)  # i16, i32, i64
BINARY, LIST, SET, MAP, STRUCT = 8, 9, 10, 11, 12


class FooterError(ValueError):
    """The footer's framing is broken; the message says where."""


class _Walker:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise FooterError(f"it ends inside a field at byte {self.pos}")
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self) -> int:
        value = shift = 0
        for _ in range(10):
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
        raise FooterError(f"an integer at byte {self.pos} runs on for more than 10 bytes")

    def skip(self, count: int) -> None:
        if count > len(self.data) - self.pos:
            left = len(self.data) - self.pos
            raise FooterError(f"a field at byte {self.pos} claims {count:,} bytes; {left} are left")
        self.pos += count

    def value(self, kind: int, depth: int, in_list: bool = False) -> None:
        if depth > MAX_DEPTH:
            raise FooterError(f"it nests more than {MAX_DEPTH} levels deep")
        if kind in (1, 2):
            self.skip(1 if in_list else 0)  # a bool in a list is a byte; in a struct it is the field type
        elif kind in _FIXED:
            self.skip(_FIXED[kind])
        elif kind in _VARINT:
            self.varint()
        elif kind == BINARY:
            self.skip(self.varint())
        elif kind in (LIST, SET):
            self.items(depth)
        elif kind == MAP:
            self.map(depth)
        elif kind == STRUCT:
            self.struct(depth + 1)
        else:
            raise FooterError(f"unknown field type {kind} at byte {self.pos}")

    def items(self, depth: int) -> None:
        head = self.byte()
        size, kind = head >> 4, head & 0x0F
        size = self.varint() if size == 15 else size
        if size > len(self.data) - self.pos:  # every element takes a byte at least
            raise FooterError(f"a list at byte {self.pos} claims {size:,} elements; {len(self.data) - self.pos} bytes "
                              "are left")
        for _ in range(size):
            self.value(kind, depth + 1, in_list=True)

    def map(self, depth: int) -> None:
        size = self.varint()
        if not size:
            return
        kinds = self.byte()
        if 2 * size > len(self.data) - self.pos:
            raise FooterError(f"a map at byte {self.pos} claims {size:,} entries")
        for _ in range(size):
            self.value(kinds >> 4, depth + 1, in_list=True)
            self.value(kinds & 0x0F, depth + 1, in_list=True)

    def struct(self, depth: int) -> None:
        while head := self.byte():
            if not head >> 4:
                self.varint()  # a long-form field id
            self.value(head & 0x0F, depth)


def check_footer(data: bytes) -> None:
    """``FooterError`` unless ``data`` is one well-framed Thrift struct that fills it exactly."""
    walker = _Walker(data)
    walker.struct(0)
    if walker.pos != len(data):
        raise FooterError(f"the metadata ends at byte {walker.pos} of {len(data)}")
