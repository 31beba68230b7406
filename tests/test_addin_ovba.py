"""[MS-OVBA] 2.4.1 compression: the spec's worked examples and round trips."""
import random

import pytest

from lyciq_xl.addin.ovba import CHUNK, OvbaError, compress, decompress

# [MS-OVBA] 3.2.1 No Compression Example
NO_COMPRESSION = (b"abcdefghijklmnopqrstuv.", bytes.fromhex(
    "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72"
    " 73 74 75 76 2E"))
# [MS-OVBA] 3.2.2 Normal Compression Example (current revision of the spec)
NORMAL = (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa", bytes.fromhex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08"
    " 61 6B 6C 00 20 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79"
    " 7A 00 2C"))
# The older revision printed different (equally valid) offsets for two
# tokens; a decompressor must accept it too.
NORMAL_OLD = bytes.fromhex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08"
    " 61 6B 6C 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79"
    " 7A 00 3C")
# [MS-OVBA] 3.2.3 Maximum Compression Example: 73 x 'a' -> literal + one
# copy token of length 0x45 + 3 = 72.
MAXIMUM = (b"a" * 73, bytes.fromhex("01 03 B0 02 61 45 00"))


@pytest.mark.parametrize("plain,packed", [NO_COMPRESSION, NORMAL, MAXIMUM])
def test_spec_examples_both_ways(plain, packed):
    assert compress(plain) == packed
    assert decompress(packed) == plain


def test_older_spec_revision_decompresses():
    assert decompress(NORMAL_OLD) == NORMAL[0]


@pytest.mark.parametrize("seed", range(5))
def test_random_round_trip(seed):
    rng = random.Random(seed)
    # Random text from a small alphabet (compressible, many short matches),
    # sizes straddling chunk boundaries.
    for size in (0, 1, 2, 3, 4095, 4096, 4097, 3 * CHUNK + 17):
        data = bytes(rng.choice(b"ab c\r\n") for _ in range(size))
        assert decompress(compress(data)) == data


def test_incompressible_full_chunks_become_raw_chunks():
    data = random.Random(7).randbytes(2 * CHUNK)
    packed = compress(data)
    # signature + two raw chunks: header 0x3FFF (size 4098, flag 0) + 4096 bytes
    assert len(packed) == 1 + 2 * (2 + CHUNK)
    assert packed[1:3] == b"\xff\x3f"
    assert decompress(packed) == data


def test_long_repeated_runs():
    # The bug in the PyPI compressor: a run longer than the maximum copy
    # length for its position. 10,000 bytes of one value span 3 chunks; each
    # chunk is 1 literal + tokens of at most (0xFFFF >> 4) + 3 = 4098 bytes.
    for data in (b"a" * 10_000, b"ab" * 6_000, b"\x00" * CHUNK,
                 b"x" * 4098 + b"y" * 5000):
        packed = compress(data)
        assert decompress(packed) == data
        assert len(packed) < 64


def test_multi_chunk_vba_like_text():
    line = b"    If x = 1 Then RunPython \"import lyciq_xl.xl as m\"\r\n"
    data = b"".join(line.replace(b"1", str(i).encode()) for i in range(400))
    assert len(data) > 5 * CHUNK
    assert decompress(compress(data)) == data


def test_compression_is_deterministic():
    data = b"Attribute VB_Name = \"M\"\r\n" * 500
    assert compress(data) == compress(bytes(data))


def test_bad_signature_rejected():
    with pytest.raises(OvbaError):
        decompress(NORMAL[1][1:])
