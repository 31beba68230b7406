"""The built add-in read back the way an analyst would: olevba on its
vbaProject.bin (on disk: olevba's stomping check needs a real file)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from oletools.olevba import VBA_Parser


def vba_project(xlam: bytes, folder: Path) -> Path:
    path = folder / "vbaProject.bin"
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        path.write_bytes(zf.read("xl/vbaProject.bin"))
    return path


def olevba_modules(vba_bin: Path) -> dict[str, str]:
    """Module name -> stored source (Attribute lines included), via olevba."""
    parser = VBA_Parser(str(vba_bin))
    try:
        return {name.rsplit(".", 1)[0]: code
                for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()


def procedure(module: str, name: str) -> str:
    """The text of `Function name` / `Sub name` in a module, to its End line."""
    match = re.search(rf"^(?:Public |Private )?(Function|Sub) {name}\b.*?^End \1\r?$",
                      module, re.M | re.S)
    assert match, f"{name} not found"
    return match.group(0)
