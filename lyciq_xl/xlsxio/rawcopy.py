"""Copy a zip member's compressed bytes unchanged from one archive to another.

Parts of a clerk's workbook that the tool does not own are copied without
being inflated and deflated again: faster (a province-scale 扣分记录 sheet is
~60 MB of XML) and the bytes stay exactly the clerk's. The standard zipfile
module has no public call for this, so this uses its long-stable internals
(`fp`, `filelist`, `NameToInfo`, `start_dir`, `ZipInfo.FileHeader`); the
writer tests check the result byte for byte and open it in LibreOffice.
"""
from __future__ import annotations

import copy
import struct
import zipfile

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")   # zipfile's structFileHeader
_LOCAL_SIGNATURE = b"PK\003\004"
_DATA_DESCRIPTOR_FLAG = 0x08


def copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Append member `info` of `zin` to `zout` without recompressing it."""
    source, target = zin.fp, zout.fp
    if source is None or target is None:          # ZipFile sets fp to None once closed
        raise ValueError("copy_raw needs both zip files open")
    source.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(source.read(_LOCAL_HEADER.size))
    if header[0] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = header[-2], header[-1]
    source.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    data = source.read(info.compress_size)

    out = copy.copy(info)
    # Sizes and CRC go into the local header; the source's trailing data
    # descriptor (if any) is not copied.
    out.flag_bits &= ~_DATA_DESCRIPTOR_FLAG
    out.header_offset = target.tell()
    target.write(out.FileHeader())
    target.write(data)
    zout.filelist.append(out)
    zout.NameToInfo[out.filename] = out
    zout.start_dir = target.tell()
