Attribute VB_Name = "LyciqRibbon"
' Ribbon callback of the lyciq add-in (the tab in ribbon.xml).
' Every button has onAction="LyciqRibbon.LyciqRun" and, in its tag, the name
' of the function of lyciq_xl.xl it runs through xlwings' RunPython; the
' Python side acts on the active workbook. Adding a button is one <button>
' element in ribbon.xml (and its Python function): nothing to add here.
' Keep this file ASCII only (the VBA project code page is 1252): Chinese text
' is written as UTF-16 code units in hex and built with ChrW (LyciqText).
Option Explicit

' "Jixiao kaohe" (the tab's name), the title of every message box
Private Const TITLE_TEXT As String = "7EE9654880036838"
' "Open the master workbook and make it the active window first, then click
' the button. If it is in Protected View, click Enable Editing first."
Private Const NO_WORKBOOK_TEXT As String = "8BF7514862535F004E3B5DE54F5C7C3F5E768BA95B8362104E3A5F53524D7A9753E3FF0C518D70B951FB529F80FD533A630994AE30025982679C5DE54F5C7C3F59044E8E201C53D74FDD62A4768489C656FE201DFF0C8BF7514870B951FB201C542F75287F168F91201D3002"
' "The workbook's name holds one of " $ ` \ |, the button cannot run safely.
' Save the workbook under a name without these characters and try again."
Private Const BAD_NAME_TEXT As String = "5DE54F5C7C3F540D79F04E2D542B67090020002200200024002000600020005C0020007C00204E4B4E00FF0C630994AE65E06CD55B8951688FD0884C30028BF7628A5DE54F5C7C3F53E65B584E3A4E0D542B8FD94E9B5B577B267684540D79F0540E518D8BD53002"

Sub LyciqRun(control As IRibbonControl)
    Dim refusal As String
    refusal = LyciqRefusal(ActiveWorkbook, control.Tag)
    If refusal <> "" Then
        MsgBox refusal, vbExclamation, LyciqText(TITLE_TEXT)
        Exit Sub
    End If
    RunPython "import lyciq_xl.xl as m; m." & control.Tag & "()"
End Sub

' Why a button must not run now, or "" when it may. No active workbook:
' Excel shows none, or only a Protected View window (ActiveWorkbook is
' Nothing then, and xlwings' RunPython would stop on run-time error 91).
' On macOS xlwings passes the workbook's name to a shell inside double
' quotes, where " $ ` \ would be interpreted, and splits its arguments at |.
' The tag comes from the add-in's own ribbon; it must be a Python name.
Function LyciqRefusal(wb As Object, action As String) As String
    If wb Is Nothing Then
        LyciqRefusal = LyciqText(NO_WORKBOOK_TEXT)
    ElseIf wb.Name Like "*[""$`\|]*" Then
        LyciqRefusal = LyciqText(BAD_NAME_TEXT)
    ElseIf action = "" Or action Like "*[!A-Za-z0-9_]*" Then
        LyciqRefusal = "lyciq: ribbon tag is not a Python name: " & action
    End If
End Function

' The text whose UTF-16 code units are hexUnits, 4 hex digits each. Two
' digits at a time: "&H" with 4 digits would be a negative Integer.
Function LyciqText(hexUnits As String) As String
    Dim i As Long
    For i = 1 To Len(hexUnits) Step 4
        LyciqText = LyciqText & ChrW(CLng("&H" & Mid$(hexUnits, i, 2)) * 256 _
            + CLng("&H" & Mid$(hexUnits, i + 2, 2)))
    Next i
End Function
