"""A minimal, reproducible writer of [MS-CFB] compound files (version 3).

No well-kept Python library writes new compound files (olefile only edits
streams of an existing file in place), and vbaProject.bin needs nothing
beyond storages and streams, so this is ~150 lines of our own. Everything
that could vary is fixed: zero timestamps, null CLSIDs, entries in name
order, so the same streams always give the same bytes.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_TYPE_STORAGE, _TYPE_STREAM, _TYPE_ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: shorter names first, then by upper-cased UTF-16 units
    return len(name), name.upper()


def _tree(entries: list[_Entry], depth: int, full_depth: int) -> int:
    """Balanced binary search tree over sorted siblings; returns the root sid.
    Nodes on the last, incomplete level are red, all others black, which
    makes a valid red-black tree (equal black height on every path)."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if depth > full_depth else _BLACK
    node.left = _tree(entries[:mid], depth + 1, full_depth)
    node.right = _tree(entries[mid + 1:], depth + 1, full_depth)
    return node.sid


def _link(storage: _Entry) -> None:
    kids = sorted(storage.children.values(), key=lambda e: _sort_key(e.name))
    n = len(kids)
    full_depth = (n + 1).bit_length() - 2   # deepest completely filled level
    storage.child = _tree(kids, 0, full_depth)
    for kid in kids:
        if kid.kind == _TYPE_STORAGE:
            _link(kid)


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file name too long: {e.name}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", name.ljust(64, b"\0"), len(name) + 2, e.kind,
        e.color, e.left, e.right, e.child, b"\0" * 16, 0, 0, 0, e.start, e.size)


_EMPTY_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"\0" * 64, 0, 0, 0, NOSTREAM,
                           NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by '/'-separated paths
    (storages are implied: {'VBA/dir': ...} creates storage VBA)."""
    root = _Entry("Root Entry", _TYPE_ROOT)
    for path, data in sorted(streams.items()):
        *dirs, leaf = path.split("/")
        node = root
        for d in dirs:
            node = node.children.setdefault(d, _Entry(d, _TYPE_STORAGE))
        node.children[leaf] = _Entry(leaf, _TYPE_STREAM, bytes(data), size=len(data))

    order: list[_Entry] = []          # directory order: depth first, by name
    def visit(e: _Entry) -> None:
        e.sid = len(order)
        order.append(e)
        for kid in sorted(e.children.values(), key=lambda k: _sort_key(k.name)):
            visit(kid)
    visit(root)
    _link(root)

    # Small streams go to the mini stream (64-byte sectors), the rest to sectors.
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in order:
        if e.kind != _TYPE_STREAM or not e.size:
            continue
        if e.size < MINI_CUTOFF:
            first = len(minifat)
            count = -(-e.size // MINI_SECTOR)
            minifat.extend([0] * count)
            _chain(minifat, first, count)
            e.start = first
            mini += e.data.ljust(count * MINI_SECTOR, b"\0")
        else:
            big.append(e)

    def sectors(n_bytes: int) -> int:
        return -(-n_bytes // SECTOR)

    body: list[tuple[int, bytes]] = []  # (first sector, padded bytes) in file order
    next_sector = 0
    def place(data: bytes) -> int:
        nonlocal next_sector
        first = next_sector
        padded = data.ljust(sectors(len(data)) * SECTOR, b"\0")
        body.append((first, padded))
        next_sector += len(padded) // SECTOR
        return first

    for e in big:
        e.start = place(e.data)
    if mini:
        root.start, root.size = place(bytes(mini)), len(mini)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_first = place(minifat_bytes) if minifat else ENDOFCHAIN
    n_minifat = sectors(len(minifat_bytes))
    # every start sector is known by now, so the directory can be serialised
    entries = b"".join(_dir_entry(e) for e in order)
    entries += _EMPTY_ENTRY * (-len(order) % 4)
    dir_first = place(entries)

    n_fat = 1                          # FAT sectors must also map themselves
    while n_fat * (SECTOR // 4) < next_sector + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for first, padded in body:
        _chain(fat, first, len(padded) // SECTOR)
    fat_first = next_sector
    for i in range(n_fat):
        fat[fat_first + i] = FATSECT

    difat = list(range(fat_first, fat_first + n_fat)) + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, dir_first, 0,
        MINI_CUTOFF, minifat_first, n_minifat, ENDOFCHAIN, 0, *difat)
    out = bytearray(header)
    for _, padded in body:
        out += padded
    out += struct.pack(f"<{len(fat)}I", *fat)
    return bytes(out)
