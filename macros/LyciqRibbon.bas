Attribute VB_Name = "LyciqRibbon"
' Ribbon callbacks of the lyciq add-in (tab in customUI14.xml).
' Each button runs one function of lyciq_xl.xl through xlwings' RunPython;
' the Python side acts on the active workbook. Keep this file ASCII only:
' the VBA project code page is 1252.
Option Explicit

Sub LyciqRecalculate(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.recalculate()"
End Sub

Sub LyciqValidate(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.validate()"
End Sub

Sub LyciqAnnex2(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.generate_annex2()"
End Sub

Sub LyciqAnnex3(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.generate_annex3()"
End Sub

Sub LyciqDistribute(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.distribute()"
End Sub

Sub LyciqCollect(control As IRibbonControl)
    RunPython "import lyciq_xl.xl as m; m.collect()"
End Sub
