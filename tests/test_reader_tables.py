"""Rows an Excel Table (ListObject) declares as its Total Row are not data:
read as deductions they were four false errors on every run. Real
workbooks whose 扣分记录 is an Excel Table with a Total Row (xlsxwriter's
add_table total_row, the part Excel writes: xl/tables/table1.xml with
totalsRowCount="1")."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from lyciq_xl import contract
from lyciq_xl.engine import evaluate, to_json
from lyciq_xl.xlsxio import reader
from lyciq_xl.xlsxio.reader import read_tables
from reader_fixtures import copy_with_table

D = contract.Deductions
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


def test_the_table_part_declares_a_total_row(tmp_path):
    path = copy_with_table(SAMPLE, tmp_path / "表格.xlsx")
    with zipfile.ZipFile(path) as zf:
        table = zf.read("xl/tables/table1.xml")
        sheet = zf.read("xl/worksheets/sheet" + str(
            openpyxl.load_workbook(SAMPLE).sheetnames.index(D.SHEET) + 1) + ".xml")
    assert b'totalsRowCount="1"' in table
    assert b"SUBTOTAL(109," in sheet


@pytest.mark.parametrize("columnar", [False, True], ids=["cell reader", "columnar"])
def test_total_row_is_not_a_deduction(tmp_path, monkeypatch, columnar):
    if columnar:
        monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    path = copy_with_table(SAMPLE, tmp_path / "表格.xlsx")
    sample_rows = read_tables(SAMPLE, [D])[D.SHEET].rows
    rows = read_tables(path, [D])[D.SHEET].rows
    last = sample_rows[-1].number
    assert [r.number for r in rows] == [r.number for r in sample_rows]
    assert all(r[D.RECORD_NO] != "合计" for r in rows)
    assert last + 1 not in [r.number for r in rows]        # the Total Row


def test_master_with_a_total_row_scores_as_without(tmp_path):
    path = copy_with_table(SAMPLE, tmp_path / "表格.xlsx")
    # no finding on the Total Row: the same scores and findings as the sample
    assert to_json(evaluate(read_tables(path))) == to_json(evaluate(read_tables(SAMPLE)))
