"""The built add-in read back the way an analyst would: olevba on its
vbaProject.bin (on disk: olevba's stomping check needs a real file)."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
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


# The ribbon's Chinese messages, as the clerk must read them (LyciqRibbon.bas
# holds them as hex UTF-16 code units, built with ChrW).
TITLE = "绩效考核"
NO_WORKBOOK = ("请先打开主工作簿并让它成为当前窗口\uff0c再点击功能区按钮。"
               "如果工作簿处于“受保护的视图”\uff0c请先点击“启用编辑”。")
BAD_NAME = ("工作簿名称中含有 \" $ ` \\ | 之一\uff0c按钮无法安全运行。"
            "请把工作簿另存为不含这些字符的名称后再试。")


def miniconda(root: Path) -> Path:
    """A conda installation laid out on disk as its installer does: conda-meta/
    in the base environment and in the environment envs/lyciq, condabin/
    holding conda.bat (which xlwings' CheckConda looks for). Returns root."""
    for folder in ("conda-meta", "condabin", "envs/lyciq/conda-meta"):
        (root / folder).mkdir(parents=True)
    (root / "condabin" / "conda.bat").write_text("@echo off\r\n")
    return root


# --- LibreOffice headless runs VBA of test builds (tests/addin_lo_driver.py) ---

SYSTEM_PYTHON = "/usr/bin/python3"      # the Python with LibreOffice's uno module
LO_DRIVER = Path(__file__).with_name("addin_lo_driver.py")


def has_libreoffice() -> bool:
    return shutil.which("soffice") is not None and Path(SYSTEM_PYTHON).exists() and \
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def run_in_libreoffice(profile: Path, args: list[str], env: dict[str, str] | None = None) -> dict:
    """One LibreOffice run of the driver: BOOK Module.Func ... [BOOK ...];
    returns {book file name: {call: result}}."""
    result = subprocess.run([SYSTEM_PYTHON, str(LO_DRIVER), str(profile), *args],
                            capture_output=True, text=True, timeout=180, check=True,
                            env={**os.environ, **(env or {})})
    return json.loads(result.stdout.strip().splitlines()[-1])
