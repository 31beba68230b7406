"""No workbook can choose what an add-in button runs.

Threat: a section's returned workbook is untrusted by definition, and the
clerk opens it in Excel and clicks a 绩效考核 button. The xlwings VBA embedded
in the add-in (xlwings_custom_addin.bas of xlwings 0.37.8) would take its
settings first from a sheet named `lyciq.conf` in the *active workbook*,
then from a `lyciq.conf` file in the *active workbook's folder*, and only
then from the clerk's own file. A workbook carrying such a sheet with
`INTERPRETER_WIN` (or `PYTHONPATH`) set — or a `lyciq.conf` unpacked beside
it — would make the click start any program the sender chose, or import
their module. xlwings would also put the active workbook's folder (and
`<workbook>.zip`) in front of sys.path, so a `lyciq_xl/` folder beside the
workbook would replace ours, and would run "embedded code" from the
workbook's `*.py` sheets.

The build patches the VBA (lyciq_xl/addin/xlwings_patch.py). These tests
read the add-in that clerks install (workbook/lyciq.xlam, which
test_addin_build checks is a fresh build) back with olevba and check that
GetConfig consults only the user's own file, and that nothing else in the
module reads a workbook's sheet or folder for settings or sys.path.
"""
import importlib.resources
import re
import sys
from pathlib import Path

import pytest

from addin_fixtures import (has_libreoffice, olevba_modules, procedure, run_in_libreoffice,
                            vba_project)
from lyciq_xl.addin import build, xlwings_patch
from lyciq_xl.addin import vbaproject as vp

# Everything through which the active workbook (its sheets, its folder, its
# name) could reach a setting.
WORKBOOK_SOURCES = ("ActiveWorkbook", "ThisWorkbook", "GetConfigFromSheet", "SheetExists",
                    "GetDirectoryConfigFilePath", "GetDirectoryPath", "GetFullName")


@pytest.fixture(scope="module")
def xlwings_module(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("security")
    return olevba_modules(vba_project(build.DEFAULT_OUT.read_bytes(), folder))["xlwings"]


def test_getconfig_reads_only_the_users_own_file(xlwings_module):
    body = procedure(xlwings_module, "GetConfig")
    for name in WORKBOOK_SOURCES:
        assert name not in body, name
    # the one source left: the user's file, then the caller's default
    assert re.findall(r"GetConfigFromFile\((\w+)\(\)", body) == ["GetConfigFilePath"]
    assert "GetConfig = ExpandEnvironmentStrings(default)" in body
    path = procedure(xlwings_module, "GetConfigFilePath")
    for name in WORKBOOK_SOURCES:
        assert name not in path, name
    assert 'Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"' in path
    assert 'GetMacDir("$HOME", False) & "/" & PROJECT_NAME & ".conf"' in path
    assert 'Public Const PROJECT_NAME As String = "lyciq"' in xlwings_module


def test_no_procedure_reads_a_workbook_sheet_or_folder_config(xlwings_module):
    # xlwings' readers of a sheet config and of a folder config stay defined,
    # but nothing calls them any more
    rest = xlwings_module
    for name in ("GetConfigFromSheet", "GetDirectoryConfigFilePath"):
        rest = rest.replace(procedure(xlwings_module, name), "")
    for name in ("GetConfigFromSheet", "GetDirectoryConfigFilePath"):
        assert name not in rest, name


def test_active_workbook_never_joins_sys_path_nor_runs_embedded_code(xlwings_module):
    assert "ADD_WORKBOOK_TO_PYTHONPATH" not in xlwings_module
    for name in ("RunPython", "XLPyCommand"):
        body = procedure(xlwings_module, name)
        assert 'AddExcelDir = "false"' in body, name
        assert "AddExcelDir = GetConfig" not in body, name
    run = procedure(xlwings_module, "RunPython")
    # no sheet of any workbook switches on embedded code
    assert ".Worksheets" not in run and '".py"' not in run
    assert re.findall(r"^\s*uses_embedded_code = (\w+)", run, re.M) == ["False"]


def _xlwings_bas() -> str:
    return (importlib.resources.files("xlwings") / "xlwings_custom_addin.bas").read_text(
        encoding="utf-8")


def test_every_patch_applies_to_the_pinned_xlwings():
    patched = xlwings_patch.patch_xlwings_bas(_xlwings_bas())
    assert patched.count("' lyciq: patched at build time") == 3
    for patch in xlwings_patch.PATCHES:
        assert patch.new in patched


def test_build_fails_loudly_when_xlwings_changed():
    original = _xlwings_bas()
    # an upgrade that rewords one line of GetConfig
    changed = original.replace("'Workbook Sheet Config", "' Workbook sheet config")
    assert changed != original
    with pytest.raises(xlwings_patch.PatchError, match="settings only from the user's own"):
        xlwings_patch.patch_xlwings_bas(changed)
    # or one that holds the text twice
    with pytest.raises(xlwings_patch.PatchError, match="2 times"):
        xlwings_patch.patch_xlwings_bas(original + original)


# The real GetConfig, GetConfigFilePath and GetConfigFromFile of the built
# add-in, with the xlwings helpers that need Windows or a Mac (FileExists,
# ExpandEnvironmentStrings: the WScript.Shell COM object) replaced by plain
# equivalents. LibreOffice Basic does not apply the default of an omitted
# Optional argument, so every call below that reaches it passes one.
SETTINGS_HARNESS = '''Attribute VB_Name = "LyciqSettings"
Option Explicit
Public Const PROJECT_NAME As String = "lyciq"

Function FileExists(ByVal FileSpec As String) As Boolean
    FileExists = Dir(FileSpec) <> ""
End Function

Function ExpandEnvironmentStrings(ByVal s As String)
    ExpandEnvironmentStrings = s
End Function

Function GetMacDir(Name As String, Normalize As Boolean) As String
    GetMacDir = ""
End Function

' The hostile workbook: its own sheet "lyciq.conf" names another interpreter
' (this book is both ActiveWorkbook and ThisWorkbook here).
Public Function Probe() As String
    Dim sht As Object
    Set sht = ThisWorkbook.Worksheets(1)
    sht.Name = "lyciq.conf"
    sht.Range("A1").Value = "INTERPRETER_WIN"
    sht.Range("B1").Value = "C:\\evil\\sheet.exe"
    sht.Range("A2").Value = "CONDA PATH"
    sht.Range("B2").Value = "C:\\evil"
    Probe = ActiveWorkbook.Worksheets(1).Name & "=" & ActiveWorkbook.Worksheets(1).Range("B1").Value
    Probe = Probe & vbLf & GetConfig("INTERPRETER_WIN", "python")
    Probe = Probe & vbLf & GetConfig("PYTHONPATH")
    Probe = Probe & vbLf & GetConfig("SHOW CONSOLE", "False")
    Probe = Probe & vbLf & GetConfig("CONDA PATH", "")
End Function
'''


@pytest.mark.skipif(not has_libreoffice(), reason="LibreOffice (with its Python bridge) is not installed")
def test_libreoffice_runs_the_built_getconfig_against_a_hostile_workbook(tmp_path, xlwings_module):
    real = "\n".join(procedure(xlwings_module, name).replace("\r\n", "\n")
                     for name in ("GetConfig", "GetConfigFilePath", "GetConfigFromFile"))
    module = vp.module_from_source(SETTINGS_HARNESS + real + "\n", vp.PROCEDURAL)
    folder = tmp_path / "returned"
    folder.mkdir()
    book = folder / "科室回件.xlsm"
    book.write_bytes(build.package(build.read_sources(test_modules=[module]), xlsm=True))
    # ... and a lyciq.conf beside it
    (folder / "lyciq.conf").write_bytes(b'"INTERPRETER_WIN","C:\\evil\\folder.exe"\r\n'
                                        b'"PYTHONPATH","C:\\evil"\r\n"SHOW CONSOLE","True"\r\n')
    # The clerk's own file, %USERPROFILE%\.lyciq\lyciq.conf: on Linux that
    # path is one file name holding backslashes, beside the profile folder.
    profile = tmp_path / "zhangsan"
    profile.mkdir()
    Path(f"{profile}\\.lyciq\\lyciq.conf").write_bytes(
        b'"INTERPRETER_WIN","C:\\lyciq\\venv\\Scripts\\python.exe"\r\n"PYTHONPATH","C:\\lyciq"\r\n')
    out = run_in_libreoffice(tmp_path / "lo-profile", [str(book), "LyciqSettings.Probe"],
                             env={"USERPROFILE": str(profile)})
    assert out[book.name]["LyciqSettings.Probe"].split("\n") == [
        "lyciq.conf=C:\\evil\\sheet.exe",          # the hostile sheet is there
        "C:\\lyciq\\venv\\Scripts\\python.exe",     # yet the clerk's interpreter,
        "C:\\lyciq",                                # the clerk's PYTHONPATH,
        "False",                                    # the default where the clerk set nothing,
        ""]                                         # never the workbook's value


def test_the_patched_pythonpath_keeps_the_workbook_folder_off_sys_path(monkeypatch, tmp_path):
    # What RunPython hands to xlwings' Python side (xlwings.utils.
    # prepare_sys_path): AddExcelDir; active and add-in full names; three
    # OneDrive/SharePoint settings; then the PYTHONPATH setting.
    from xlwings.utils import prepare_sys_path
    returned = tmp_path / "returned"
    ours = str(tmp_path / "lyciq")
    args = f"{{}};{returned / 'book.xlsx'};{tmp_path / 'addin' / 'lyciq.xlam'};;;;{ours}"
    monkeypatch.setattr("sys.path", [])
    prepare_sys_path(args.format("false"))        # the patched add-in's value
    assert sys.path == [ours]
    # xlwings' own default would have put the returned workbook's folder first
    monkeypatch.setattr("sys.path", [])
    prepare_sys_path(args.format("true"))
    assert str(returned) in sys.path
