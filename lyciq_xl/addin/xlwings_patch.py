"""Build-time patches of xlwings' VBA module (xlwings_custom_addin.bas).

The add-in embeds the xlwings VBA of the installed (pinned) xlwings, so VBA
and Python always match. Out of the box that module lets the *active
workbook* steer what a button runs, which is unacceptable here: a section's
returned workbook is untrusted by definition, and the clerk opens it and
clicks. xlwings 0.37.8 would

- read its settings (INTERPRETER_WIN/MAC, PYTHONPATH, CONDA PATH, ...) first
  from a sheet named `lyciq.conf` in the active workbook, then from a
  `lyciq.conf` file in the active workbook's folder, and only then from the
  user's own file — so a workbook could name the program to start;
- put the active workbook's folder (and `<workbook>.zip`) in front of
  sys.path (ADD_WORKBOOK_TO_PYTHONPATH defaults to true), so a `lyciq_xl/`
  folder or a zip unpacked beside the workbook would be imported instead of
  ours;
- run "embedded code" when the active workbook has a sheet whose name ends
  in `.py` (xlwings PRO, with a LICENSE_KEY in the settings).

Each patch replaces one exact text of xlwings 0.37.8. If the text is not
found exactly once the build fails: an xlwings upgrade can never skip a
patch silently; re-read the new VBA and adapt the patch instead.
"""
from __future__ import annotations

from dataclasses import dataclass

PROJECT_NAME = "lyciq"


@dataclass(frozen=True)
class Patch:
    why: str
    old: str
    new: str


# Settings come only from the user's own file (GetConfigFilePath:
# %USERPROFILE%\.lyciq\lyciq.conf or ~/Library/Containers/com.microsoft.Excel/
# Data/lyciq.conf), which `lyciq-xl addin install` writes.
_GETCONFIG_OLD = """\
Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    ' If source is provided, returns the value from this source only, otherwise it goes through all layers until
    ' it finds a value (sheet -> directory -> user -> default)
    ' An entry in xlwings.conf sheet overrides the config file/ribbon
    Dim configValue As String
    
    ' Sheet
    #If App = "Microsoft Excel" Then
    If source = "" Or source = "sheet" Then
        If Application.Name = "Microsoft Excel" Then
            'Workbook Sheet Config
            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then
                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then
                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
    
            'Add-in Sheet Config (only for custom add-ins, unused by xlwings add-in)
            If SheetExists(ThisWorkbook, PROJECT_NAME & ".conf") = True Then
                If GetConfigFromSheet(ThisWorkbook).Exists(configKey) = True Then
                    GetConfig = GetConfigFromSheet(ThisWorkbook).Item(configKey)
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
        End If
    End If
    #End If

    ' Directory Config
    If source = "" Or source = "directory" Then
        #If App = "Microsoft Excel" Then
            If GetFullName(ActiveWorkbook) <> "" Then ' Empty if local dir can't be figured out (e.g. SharePoint)
        #Else
            If InStr(GetDirectoryPath(), "://") = 0 Then ' Other Office apps: skip for synced SharePoint/OneDrive files
        #End If
            If FileExists(GetDirectoryConfigFilePath()) = True Then
                If GetConfigFromFile(GetDirectoryConfigFilePath(), configKey, configValue) Then
                    GetConfig = configValue
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
        End If
    End If

    ' User Config
    If source = "" Or source = "user" Then
        If FileExists(GetConfigFilePath()) = True Then
            If GetConfigFromFile(GetConfigFilePath(), configKey, configValue) Then
                GetConfig = configValue
                GetConfig = ExpandEnvironmentStrings(GetConfig)
                Exit Function
            End If
        End If
    End If

    ' Defaults
    GetConfig = default
    GetConfig = ExpandEnvironmentStrings(GetConfig)

End Function
"""

# The whole function is replaced (the return value is never read back
# through the function's name, so LibreOffice Basic runs it too: the tests
# run this very text). `source` stays for callers; there is one source.
_GETCONFIG_NEW = """\
Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    ' lyciq: patched at build time (lyciq_xl/addin/xlwings_patch.py). Settings
    ' come ONLY from the user's own lyciq.conf that `lyciq-xl addin install`
    ' writes. xlwings would first read a sheet "lyciq.conf" in the active
    ' workbook and a lyciq.conf file in its folder: a returned, untrusted
    ' workbook could then choose the program a button runs.
    Dim configValue As String
    If FileExists(GetConfigFilePath()) = True Then
        If GetConfigFromFile(GetConfigFilePath(), configKey, configValue) Then
            GetConfig = ExpandEnvironmentStrings(configValue)
            Exit Function
        End If
    End If
    GetConfig = ExpandEnvironmentStrings(default)
End Function
"""

# The active workbook's folder never goes on sys.path, and its sheets never
# switch RunPython to "embedded code".
_SYSPATH_OLD = """\
    ' Check for embedded Python code
    uses_embedded_code = False
    For i = 1 To 2
        If i = 1 Then
            Set wb = ActiveWorkbook
        Else
            Set wb = ThisWorkbook
        End If
        For Each sht In wb.Worksheets
            If Right$(sht.Name, 3) = ".py" Then
                uses_embedded_code = True
                Exit For
            End If
        Next
    Next i

    If uses_embedded_code = True Then
        AddExcelDir = "false"
    Else
        AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")
    End If
"""

_SYSPATH_NEW = """\
    ' lyciq: patched at build time (lyciq_xl/addin/xlwings_patch.py). Neither
    ' the active workbook's folder nor its sheets may decide what Python
    ' imports: no workbook folder on sys.path, no "embedded code" (.py sheets).
    uses_embedded_code = False
    AddExcelDir = "false"
"""

# The same for the UDF server's command line (unused by the ribbon, but
# reachable through the "USE UDF SERVER" setting).
_UDF_SYSPATH_OLD = """\
    ' TODO: Doesn't automatically check if code is embedded
    AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")
"""

_UDF_SYSPATH_NEW = """\
    ' lyciq: patched at build time (lyciq_xl/addin/xlwings_patch.py): the
    ' active workbook's folder never goes on sys.path.
    AddExcelDir = "false"
"""

PATCHES = (
    Patch("the add-in reads lyciq.conf, not xlwings.conf (other xlwings workbooks "
          "on the machine keep their Python)",
          'Public Const PROJECT_NAME As String = "myaddin"',
          f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
    Patch("settings only from the user's own lyciq.conf", _GETCONFIG_OLD, _GETCONFIG_NEW),
    Patch("the active workbook never changes sys.path or runs embedded code",
          _SYSPATH_OLD, _SYSPATH_NEW),
    Patch("the UDF server never puts the active workbook's folder on sys.path",
          _UDF_SYSPATH_OLD, _UDF_SYSPATH_NEW),
)


class PatchError(RuntimeError):
    """The xlwings VBA no longer holds a text that a patch replaces."""


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def patch_xlwings_bas(text: str, patches: tuple[Patch, ...] = PATCHES) -> str:
    """`text` (xlwings_custom_addin.bas) with every patch applied; raises
    PatchError unless each patch's old text occurs exactly once."""
    text = _lf(text)
    for patch in patches:
        count = text.count(_lf(patch.old))
        if count != 1:
            raise PatchError(
                f"xlwings_custom_addin.bas holds the text patched for '{patch.why}' "
                f"{count} times, not once: xlwings changed. Re-read its VBA and update "
                "lyciq_xl/addin/xlwings_patch.py before building the add-in.")
        text = text.replace(_lf(patch.old), _lf(patch.new))
    return text
