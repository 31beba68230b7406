"""A master for the assessor tests: tests/mail_fixtures.py's four sections with
考核责任部门 cells that name real departments (SPEC section 9).

Who assesses what, worked out by hand from the cells set below:
- 轻纺科 (QFK): ZHK-LZ-01 and BGS-LZ-02 — two sections' indicators, nothing else;
- 人事科 (RSK): BGS-LZ-02 (listed with 轻纺科), 外部评价 of 综合科 and 轻纺科 (框架
  业务管理科室 服务绩效/地方政府评价), 创优加分 of 办公室 and 人事科 (框架 行政管理科室
  创优绩效);
- 办公室 (BGS): RSK-LZ-03 and the key task ZHK-ZD-01;
- every other cell says 绩效办 (no 科室: warning D12, nobody receives those).
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

from lyciq_xl import contract as c
from tests.mail_fixtures import build_master

INDICATOR_ASSESSORS = {"ZHK-LZ-01": "轻纺科", "BGS-LZ-02": "轻纺科、人事科", "RSK-LZ-03": "办公室"}
KEY_TASK_ASSESSORS = {"ZHK-ZD-01": "办公室"}
FRAMEWORK_ASSESSORS = {
    (c.FrameworkName.BUSINESS, c.Category.SERVICE, c.ServiceItem.GOVERNMENT): "人事科",
    (c.FrameworkName.ADMIN, c.Category.EXCELLENCE, c.Category.EXCELLENCE): "人事科",
}


def _column(ws, header: str) -> int:
    return next(cell.column for cell in ws[1] if cell.value == header)


def build_assessor_master(path: Path) -> Path:
    build_master(path)
    wb = openpyxl.load_workbook(path)
    for spec, ident, wanted in ((c.Indicators, c.Indicators.ID, INDICATOR_ASSESSORS),
                                (c.KeyTasks, c.KeyTasks.ID, KEY_TASK_ASSESSORS)):
        ws = wb[spec.SHEET]
        id_col, who = _column(ws, ident), _column(ws, spec.ASSESSOR)
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, id_col).value in wanted:
                ws.cell(r, who).value = wanted[ws.cell(r, id_col).value]
    fw = wb[c.Framework.SHEET]
    col = fw.max_column + 1
    fw.cell(1, col).value = c.Framework.ASSESSOR
    for r in range(2, fw.max_row + 1):
        key = tuple(fw.cell(r, i).value for i in (1, 2, 3))
        fw.cell(r, col).value = FRAMEWORK_ASSESSORS.get(key)
    wb.save(path)
    return path
