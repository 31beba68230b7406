"""[MS-OVBA] 2.4.1 compression and decompression of VBA source streams.

Our own implementation (the PyPI compressor miscomputes the maximum copy
length and is not reproducible). The compressor follows the spec's
algorithm exactly — for every position the *nearest* earlier match of the
greatest (uncapped) length in the chunk — so it reproduces the spec's worked
examples byte for byte. Candidates are found through a per-chunk index of
3-byte prefixes, which gives the same answer as the spec's exhaustive
backward scan (a match shorter than 3 bytes is never used).
"""
from __future__ import annotations

import struct

CHUNK = 4096                 # decompressed bytes per chunk
_SIGNATURE = 0x01


class OvbaError(ValueError):
    """A compressed container that does not follow [MS-OVBA] 2.4.1."""


def _copy_token_help(difference: int) -> tuple[int, int]:
    """2.4.1.3.19.1 CopyToken Help: (bit_count, maximum_length) for a
    position `difference` bytes after the chunk start."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _match_length(data: bytes, cand: int, pos: int, end: int, beat: int) -> int:
    """Length of the common run of data[cand:] and data[pos:] up to `end`,
    or 0 when it cannot exceed `beat` (overlapping runs are fine: the
    decompressor copies byte by byte)."""
    if pos + beat >= end or data[cand + beat] != data[pos + beat]:
        return 0
    lo, hi = 0, end - pos          # invariant: prefix of length lo matches
    step = 16
    while lo + step <= hi and data[cand:cand + lo + step] == data[pos:pos + lo + step]:
        lo += step
        step *= 2
    hi = min(hi, lo + step - 1)
    while lo < hi:                 # binary search on C-speed slice compares
        mid = (lo + hi + 1) // 2
        if data[cand:cand + mid] == data[pos:pos + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo if lo > beat else 0


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """One CompressedChunk (header included) for data[start:end]."""
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    indexed = start                # positions < indexed are in `index`
    pos = start
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            while indexed < pos:   # index every position we have passed
                index.setdefault(data[indexed:indexed + 3], []).append(indexed)
                indexed += 1
            best_len, best_at = 0, 0
            if pos + 3 <= end:
                for cand in reversed(index.get(data[pos:pos + 3], ())):
                    length = _match_length(data, cand, pos, end, best_len)
                    if length:
                        best_len, best_at = length, cand
            if best_len >= 3:
                bit_count, max_len = _copy_token_help(pos - start)
                length = min(best_len, max_len)
                token = ((pos - best_at - 1) << (16 - bit_count)) | (length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += length
            else:
                out.append(data[pos])
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK:           # incompressible: a raw chunk of 4096 bytes
        raw = data[start:end].ljust(CHUNK, b"\x00")
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + raw
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)


def compress(data: bytes) -> bytes:
    """CompressedContainer for `data` (2.4.1.3.6). Deterministic."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompressed bytes of a CompressedContainer (2.4.1.3.1)."""
    if not container or container[0] != _SIGNATURE:
        raise OvbaError("missing signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise OvbaError(f"truncated chunk header at {pos}")
        header, = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise OvbaError(f"bad chunk signature at {pos}")
        chunk_end = min(pos + size, len(container))
        pos += 2
        if not header & 0x8000:    # raw chunk
            out += container[pos:pos + CHUNK]
            pos += CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags & (1 << bit):
                    out.append(container[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise OvbaError(f"truncated copy token at {pos}")
                token, = struct.unpack_from("<H", container, pos)
                pos += 2
                bit_count, _ = _copy_token_help(len(out) - chunk_start)
                length = (token & (0xFFFF >> bit_count)) + 3
                offset = (token >> (16 - bit_count)) + 1
                src = len(out) - offset
                if src < chunk_start:
                    raise OvbaError(f"copy token reaches before its chunk at {pos}")
                for i in range(length):      # may overlap: byte by byte
                    out.append(out[src + i])
    return bytes(out)
