"""`recalc` end to end on a complete master workbook that a clerk has
decorated with everything openpyxl load/save would lose: a chart, an image,
a cell comment, data validation, conditional formatting, a defined name,
custom column widths. After recalc those parts keep their exact stored
bytes, the inputs are unchanged, the backup holds the old file, and a crash
before the rename leaves the original intact."""
from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from lyciq_xl import contract
from lyciq_xl.commands.recalc import recalc
from lyciq_xl.errors import LyciqError
from lyciq_xl.port import FilePort
from lyciq_xl.xlsxio.lock import lock_path
from writer_fixtures import stored_members, tiny_png

CHART_SHEET = "我的图表"
DEFINED_NAME = "扣分明细"
# Parts a recalc may change: the package bookkeeping and the appended sheets.
PACKAGE_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "xl/styles.xml"}


def _grids(path: Path) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}


@pytest.fixture
def decorated_master(sample_master, tmp_path) -> Path:
    """The sample master's data rewritten by xlsxwriter (as another tool
    would), plus a chart sheet with an image and the clerk's decorations."""
    path = tmp_path / "主工作簿.xlsx"
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in _grids(sample_master).items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value != "":
                    sheet.write(r, c, value)
    deductions = book.get_worksheet_by_name(contract.Deductions.SHEET)
    deductions.set_column(7, 7, 42)
    deductions.write_comment("H2", "事由须与通报文件一致")
    deductions.data_validation("L2:L500", {"validate": "list", "source": ["有效", "撤销"]})
    deductions.conditional_format("I2:I500", {"type": "cell", "criteria": ">=", "value": 1,
                                              "format": book.add_format({"bg_color": "#FFC7CE"})})
    chart_sheet = book.add_worksheet(CHART_SHEET)
    chart_sheet.write_column(0, 0, ["一季度", "二季度", "三季度"])
    chart_sheet.write_column(0, 1, [3, 5, 2])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": f"='{CHART_SHEET}'!$A$1:$A$3",
                      "values": f"='{CHART_SHEET}'!$B$1:$B$3"})
    chart_sheet.insert_chart("D2", chart)
    chart_sheet.insert_image("D20", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    book.define_name(DEFINED_NAME, f"='{contract.Deductions.SHEET}'!$I$2:$I$40")
    book.close()
    return path


def test_recalc_keeps_everything_it_does_not_own(decorated_master):
    path = decorated_master
    old_bytes, old_parts, old_grids = path.read_bytes(), stored_members(path), _grids(path)
    assert {"xl/charts/chart1.xml", "xl/media/image1.png", "xl/comments1.xml",
            "xl/drawings/drawing1.xml"} <= old_parts.keys()

    assessment = recalc(FilePort(path)).result

    assert assessment.results
    new_parts, new_grids = stored_members(path), _grids(path)
    for name, data in old_parts.items():
        if name not in PACKAGE_PARTS:
            assert new_parts[name] == data, f"{name} changed"
    for name, grid in old_grids.items():
        assert new_grids[name] == grid, f"input sheet {name} changed"
    # the sample has a 申诉记录 sheet, so recalc also writes 申诉处理明细
    # and (SPEC 8) a 人员 sheet, so 个人考核结果 last
    owned = ([s.SHEET for s in contract.RECALC_OWNED if s is not contract.PersonalResults]
             + [contract.AppealAudit.SHEET, contract.PersonalResults.SHEET])
    assert list(new_grids) == list(old_grids) + owned

    book = openpyxl.load_workbook(path)
    assert DEFINED_NAME in book.defined_names
    sheet = book[contract.Deductions.SHEET]
    assert sheet["H2"].comment.text == "事由须与通报文件一致"
    assert sheet.column_dimensions["H"].width == pytest.approx(42, abs=1)
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["L2:L500"]
    assert [str(r.sqref) for r in sheet.conditional_formatting] == ["I2:I500"]

    backups = list((path.parent / ".lyciq-backup").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == old_bytes


def test_second_recalc_changes_nothing_but_the_owned_sheets(decorated_master):
    path = decorated_master
    recalc(FilePort(path))
    first = stored_members(path)
    recalc(FilePort(path))
    second = stored_members(path)
    assert second == first          # same results, same bytes, styles.xml did not grow


def test_crash_before_rename_leaves_the_original(decorated_master, monkeypatch):
    path = decorated_master
    before = path.read_bytes()

    def power_cut(src, dst):
        raise OSError("simulated crash between writing the temp file and renaming")
    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(LyciqError, match="原文件未改动"):
        recalc(FilePort(path))
    monkeypatch.undo()
    assert path.read_bytes() == before
    # the run lock's file stays on POSIX (an fcntl lock; the OS frees it)
    leftovers = [p.name for p in path.parent.iterdir()
                 if p.is_file() and p not in (path, lock_path(path))]
    assert leftovers == []
