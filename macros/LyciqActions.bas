Attribute VB_Name = "LyciqActions"
' Helpers that lyciq_xl.xl calls back through xlwings' runMacro action when it
' runs against the VBA client of xlwings Server (remote engine). Under
' RunPython (the ribbon) Python sets fills directly and never calls these.
' Keep this file ASCII only: the VBA project code page is 1252.
Option Explicit

' Fill the cells listed in addresses ("I7,I18,...") on sheet sheetName of wb
' with colorHex ("#RRGGBB"), or remove their fill when colorHex is "".
' One call per sheet and colour: the address list is split here, in VBA,
' because Range() accepts at most 255 characters.
Sub LyciqFill(wb As Object, sheetName As String, addresses As String, colorHex As String)
    Dim parts() As String
    Dim i As Long
    Dim target As Object
    parts = Split(addresses, ",")
    For i = LBound(parts) To UBound(parts)
        Set target = wb.Worksheets(sheetName).Range(parts(i))
        If colorHex = "" Then
            target.Interior.ColorIndex = -4142  ' xlColorIndexNone: no fill
        Else
            target.Interior.Color = RGB(CLng("&H" & Mid(colorHex, 2, 2)), _
                CLng("&H" & Mid(colorHex, 4, 2)), CLng("&H" & Mid(colorHex, 6, 2)))
        End If
    Next i
End Sub
