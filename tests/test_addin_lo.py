"""LibreOffice headless opens test builds of the add-in (xlsm content type,
a stub RunPython and two tiny classes in place of xlwings' VBA) and runs the
ribbon callback LyciqRun for every button, its guard, and LyciqFill.

LibreOffice Basic returns empty from every call when any module fails to
compile, so the assertions are on exact, non-empty strings. Its
ActiveWorkbook is the opened test book (never Nothing here), MsgBox returns
at once in headless mode.
"""
import pytest
from defusedxml import ElementTree

from addin_fixtures import BAD_NAME, NO_WORKBOOK, has_libreoffice, run_in_libreoffice
from lyciq_xl.addin import build
from lyciq_xl.addin import vbaproject as vp

UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
pytestmark = pytest.mark.skipif(not has_libreoffice(),
                                reason="LibreOffice (with its Python bridge) is not installed")


def tags() -> list[str]:
    ui = ElementTree.fromstring((build.MACROS / "ribbon.xml").read_bytes())
    return [b.get("tag") for b in ui.iter(UI_NS + "button")]


def _class(name: str, member: str) -> vp.Module:
    return vp.module_from_source(
        f'VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1\nEND\nAttribute VB_Name = "{name}"\n'
        f"Option Explicit\nPublic {member} As String\n", vp.CLASS)


def stub_modules(button_tags: list[str]) -> list[vp.Module]:
    """RunPython records its argument. Call_<tag> clicks a button: LyciqRun
    with a control whose Tag is <tag>, returning what RunPython received
    ("" when the guard refused). Refusals asks the guard about a missing
    workbook, bad workbook names and bad tags."""
    lines = ['Attribute VB_Name = "LyciqStub"', "Option Explicit",
             "Public LastCommand As String", "",
             "Public Function RunPython(PythonCommand As String)",
             "    LastCommand = PythonCommand", "End Function", "",
             "Public Function Click(tag As String) As String",
             "    Dim control As New FakeControl",
             "    control.Tag = tag",
             '    LastCommand = ""',
             "    LyciqRibbon.LyciqRun control",
             "    Click = LastCommand", "End Function"]
    for tag in button_tags + ["bad_tag"]:
        actual = "a;b" if tag == "bad_tag" else tag
        lines += ["", f"Public Function Call_{tag}() As String",
                  f'    Call_{tag} = Click("{actual}")', "End Function"]
    return [vp.module_from_source("\n".join(lines) + "\n" + GUARD_PROBE + FILL_PROBE,
                                  vp.PROCEDURAL),
            _class("FakeControl", "Tag"), _class("FakeBook", "Name")]


# LyciqRefusal for: no workbook; each character a name must not hold; a
# fine name; a tag that is not a Python name. One result a line.
GUARD_PROBE = """
Public Function Refusals() As String
    Dim book As New FakeBook
    Dim names As Variant, i As Integer
    Refusals = LyciqRibbon.LyciqRefusal(Nothing, "recalculate")
    names = Array("a" & Chr(34) & "b.xlsx", "a$(x).xlsx", "a`x`.xlsx", "a\\b.xlsx", "a|b.xlsx", _
                  "master 2025 (v2).xlsx")
    For i = LBound(names) To UBound(names)
        book.Name = names(i)
        Refusals = Refusals & vbLf & LyciqRibbon.LyciqRefusal(book, "recalculate")
    Next i
    Refusals = Refusals & vbLf & LyciqRibbon.LyciqRefusal(book, "m.x(); import os")
End Function
"""

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


@pytest.fixture(scope="module")
def lo_results(tmp_path_factory) -> dict:
    """One LibreOffice run over two test builds: a fine file name, and a
    name with "$" that the guard must refuse through the real ActiveWorkbook."""
    tmp = tmp_path_factory.mktemp("addin_lo")
    data = build.package(build.read_sources(test_modules=stub_modules(tags())), xlsm=True)
    good, bad = tmp / "lyciq_test.xlsm", tmp / "lyciq$test.xlsm"
    good.write_bytes(data)
    bad.write_bytes(data)
    return run_in_libreoffice(tmp / "lo-profile", [
        str(good), *[f"LyciqStub.Call_{t}" for t in tags() + ["bad_tag"]],
        "LyciqStub.Refusals", "LyciqStub.Call_Fill",
        str(bad), "LyciqStub.Call_recalculate"])


def test_libreoffice_runs_each_button(lo_results):
    out = lo_results["lyciq_test.xlsm"]
    assert out["_modules"] == ["FakeBook", "FakeControl", "LyciqActions", "LyciqRibbon",
                               "LyciqStub", "Sheet1", "ThisWorkbook"]
    expected = {
        "recalculate": "import lyciq_xl.xl as m; m.recalculate()",
        "validate": "import lyciq_xl.xl as m; m.validate()",
        "generate_annex2": "import lyciq_xl.xl as m; m.generate_annex2()",
        "generate_annex3": "import lyciq_xl.xl as m; m.generate_annex3()",
        "distribute": "import lyciq_xl.xl as m; m.distribute()",
        "distribute_assessors": "import lyciq_xl.xl as m; m.distribute_assessors()",
        "collect": "import lyciq_xl.xl as m; m.collect()",
        "bad_tag": "",                 # refused: RunPython never called
    }
    assert {t: out[f"LyciqStub.Call_{t}"] for t in expected} == expected


def test_guard_refuses_with_chinese_text_built_by_chrw(lo_results):
    got = lo_results["lyciq_test.xlsm"]["LyciqStub.Refusals"].split("\n")
    assert got == [NO_WORKBOOK, BAD_NAME, BAD_NAME, BAD_NAME, BAD_NAME, BAD_NAME, "",
                   "lyciq: ribbon tag is not a Python name: m.x(); import os"]


def test_guard_reads_the_real_active_workbook_name(lo_results):
    # the active workbook is "lyciq$test.xlsm": the click is refused
    assert lo_results["lyciq$test.xlsm"]["LyciqStub.Call_recalculate"] == ""
    assert lo_results["lyciq_test.xlsm"]["LyciqStub.Call_recalculate"] != ""


def test_libreoffice_runs_lyciq_fill(lo_results):
    # #FFC7CE is RGB(255, 199, 206) = 255 + 199*256 + 206*65536 = 13551615;
    # a cleared fill has ColorIndex xlNone = -4142; C3 keeps its mark.
    assert lo_results["lyciq_test.xlsm"]["LyciqStub.Call_Fill"] == \
        "13551615,13551615,-4142,-4142,13551615"

