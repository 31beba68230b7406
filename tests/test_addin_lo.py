"""LibreOffice headless opens a test build of the add-in (xlsm content type,
a stub RunPython in place of xlwings' VBA) and runs every ribbon callback.

LibreOffice Basic returns empty from every call when any module fails to
compile, so the assertions are on the exact, non-empty command strings.
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from defusedxml import ElementTree

from lyciq_xl.addin import build

SYSTEM_PYTHON = "/usr/bin/python3"      # the Python with LibreOffice's uno module
DRIVER = Path(__file__).with_name("addin_lo_driver.py")
UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"

def _has_uno() -> bool:
    return Path(SYSTEM_PYTHON).exists() and subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or not _has_uno(),
                                reason="LibreOffice (with its Python bridge) is not installed")


def callbacks() -> list[str]:
    ui = ElementTree.fromstring((build.MACROS / "ribbon.xml").read_bytes())
    return [b.get("onAction").split(".")[1] for b in ui.iter(UI_NS + "button")]


def stub_module(subs: list[str]) -> str:
    """RunPython records its argument; one wrapper per callback passes the
    control argument (Nothing) and returns what RunPython received."""
    lines = ['Attribute VB_Name = "LyciqStub"', "Option Explicit",
             "Public LastCommand As String", "",
             "Public Function RunPython(PythonCommand As String)",
             "    LastCommand = PythonCommand", "End Function"]
    for sub in subs:
        lines += ["", f"Public Function Call_{sub}() As String",
                  '    LastCommand = ""', f"    LyciqRibbon.{sub} Nothing",
                  f"    Call_{sub} = LastCommand", "End Function"]
    return "\n".join(lines) + "\n" + FILL_PROBE


# LyciqFill (macros/LyciqActions.bas) on a real sheet: fill three cells, then
# clear two of them; B2 had a fill of its own before.
FILL_PROBE = """
Public Function Call_Fill() As String
    Dim ws As Object
    Set ws = ThisWorkbook.Worksheets(1)
    ws.Range("B2").Interior.Color = RGB(1, 2, 3)
    LyciqActions.LyciqFill ThisWorkbook, ws.Name, "A1,C3,B2", "#FFC7CE"
    Call_Fill = ws.Range("A1").Interior.Color & "," & ws.Range("C3").Interior.Color
    LyciqActions.LyciqFill ThisWorkbook, ws.Name, "A1,B2", ""
    Call_Fill = Call_Fill & "," & ws.Range("A1").Interior.ColorIndex & "," & _
        ws.Range("B2").Interior.ColorIndex & "," & ws.Range("C3").Interior.Color
End Function
"""


def test_libreoffice_runs_each_callback(tmp_path):
    subs = callbacks()
    book = tmp_path / "lyciq_test.xlsm"
    book.write_bytes(build.package(build.read_sources(runpython=stub_module(subs)), xlsm=True))
    result = subprocess.run(
        [SYSTEM_PYTHON, str(DRIVER), str(book), str(tmp_path / "lo-profile"),
         *[f"LyciqStub.Call_{s}" for s in subs], "LyciqStub.Call_Fill"],
        capture_output=True, text=True, timeout=180, check=True)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["_modules"] == ["LyciqActions", "LyciqRibbon", "LyciqStub", "Sheet1",
                               "ThisWorkbook"]
    expected = {
        "LyciqRecalculate": "import lyciq_xl.xl as m; m.recalculate()",
        "LyciqValidate": "import lyciq_xl.xl as m; m.validate()",
        "LyciqAnnex2": "import lyciq_xl.xl as m; m.generate_annex2()",
        "LyciqAnnex3": "import lyciq_xl.xl as m; m.generate_annex3()",
        "LyciqDistribute": "import lyciq_xl.xl as m; m.distribute()",
        "LyciqCollect": "import lyciq_xl.xl as m; m.collect()",
    }
    assert {s: out[f"LyciqStub.Call_{s}"] for s in subs} == expected
    # #FFC7CE is RGB(255, 199, 206) = 255 + 199*256 + 206*65536 = 13551615;
    # a cleared fill has ColorIndex xlNone = -4142; C3 keeps its mark.
    assert out["LyciqStub.Call_Fill"] == "13551615,13551615,-4142,-4142,13551615"


def test_stub_wrappers_cover_every_button():
    source = (build.MACROS / "LyciqRibbon.bas").read_text()
    assert callbacks() == re.findall(r"^Sub (\w+)\(control As IRibbonControl\)", source, re.M)
