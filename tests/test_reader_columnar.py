"""Big sheets are read columnar (fastexcel -> Arrow) and give exactly what
the cell reader (python-calamine) gives: exact Decimals, numbers typed as
text, merged cells, formula errors, formulas without a result, duplicate
headers, title rows, row numbers. Real .xlsx files written by xlsxwriter
and openpyxl; the size threshold is lowered so small files take the path."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio import columnar, reader
from lyciq_xl.xlsxio.reader import read_tables

D = contract.Deductions
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


@pytest.fixture
def taken(monkeypatch) -> list[str]:
    """Every sheet goes columnar; the list names those that stayed columnar
    (the others went back to the cell reader)."""
    monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    done: list[str] = []
    real = columnar.to_table

    def spy(loaded, sheet, facts, required=()):
        table = real(loaded, sheet, facts, required)
        done.append(sheet)
        return table
    monkeypatch.setattr(columnar, "to_table", spy)
    return done


def deductions_book(path: Path, rows: list[list], header=D.REQUIRED) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(D.SHEET)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, tuple):          # (formula, cached result)
                sheet.write_formula(r, c, value[0], None, value[1])
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def row(no, points, dept="办公室", date=dt.datetime(2014, 7, 3)):
    return [no, "2014Q3", date, dept, "履职绩效", "BGS-LZ01", "BZ01", "迟报", points, "有效"]


def values(path: Path) -> list[tuple[int, dict]]:
    return [(r.number, r.values) for r in read_tables(path, [D])[D.SHEET].rows]


def test_clean_sheet_is_read_columnar_with_exact_values(tmp_path, taken):
    path = deductions_book(tmp_path / "m.xlsx", [
        row("K1", 0.5),
        row("K2", ("=0.1+0.2", 0.30000000000000004)),  # Excel's binary noise
        [None] * 10,                                     # a blank row between
        row("K3", 2, dept=" 检疫科 ", date=dt.datetime(2014, 8, 1)),
    ])
    got = values(path)
    assert taken == [D.SHEET]
    assert [n for n, _ in got] == [2, 3, 5]              # the clerk's own row numbers
    first, second, third = (v for _, v in got)
    assert first[D.POINTS] == Decimal("0.5") and type(first[D.POINTS]) is Decimal
    assert second[D.POINTS] == Decimal("0.3")            # 15 significant digits, as Excel shows
    assert third[D.POINTS] == Decimal(2) and third[D.DEPT] == "检疫科"
    assert first[D.DATE] == dt.date(2014, 7, 3) and type(first[D.DATE]) is dt.date
    assert first == {D.RECORD_NO: "K1", D.PERIOD: "2014Q3", D.DATE: dt.date(2014, 7, 3),
                     D.DEPT: "办公室", D.CATEGORY: "履职绩效", D.INDICATOR: "BGS-LZ01",
                     D.STANDARD: "BZ01", D.REASON: "迟报", D.POINTS: Decimal("0.5"),
                     D.STATUS: "有效"}


def test_formula_error_is_shown_as_its_text(tmp_path, taken):
    path = deductions_book(tmp_path / "m.xlsx", [row("K1", 0.5), row("K2", ("=NA()", "#N/A"))])
    got = values(path)
    assert taken == [D.SHEET]
    assert got[1][1][D.POINTS] == "#N/A"


def test_formula_without_result_names_the_cell(tmp_path, taken):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = D.SHEET
    sheet.append(list(D.REQUIRED))
    sheet.append(row("K1", 0.5))
    sheet.append(row("K2", '=0.1*5'))               # openpyxl stores no result
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(InputError, match=f"工作表“{D.SHEET}”单元格 I3 是公式,但文件中没有它的计算结果"):
        read_tables(tmp_path / "m.xlsx", [D])


def test_cells_merged_down_a_column_count_on_every_row(tmp_path, taken):
    path = deductions_book(tmp_path / "m.xlsx", [row("K1", 0.5), row("K2", 0.2, dept=None)])
    book = openpyxl.load_workbook(path)
    book[D.SHEET].merge_cells("D2:D3")
    book.save(path)
    got = values(path)
    assert taken == [D.SHEET]
    assert [v[D.DEPT] for _, v in got] == ["办公室", "办公室"]


def test_number_typed_as_text_goes_back_to_the_cell_reader(tmp_path, taken):
    # 扣分 holds numbers and one text "0.3": Arrow has one type per column
    path = deductions_book(tmp_path / "m.xlsx", [row("K1", 0.5), row("K2", "0.3")])
    got = values(path)
    assert taken == []
    assert got[0][1][D.POINTS] == Decimal("0.5")
    assert got[1][1][D.POINTS] == "0.3"                   # text, as the clerk typed it


def test_text_date_among_dates_keeps_both_types(tmp_path, taken):
    path = deductions_book(tmp_path / "m.xlsx", [row("K1", 0.5), row("K2", 0.1, date="2014/7/4")])
    got = values(path)
    assert taken == []
    assert got[0][1][D.DATE] == dt.date(2014, 7, 3)
    assert got[1][1][D.DATE] == "2014/7/4"


def test_duplicate_required_header_names_both_cells(tmp_path, taken):
    path = deductions_book(tmp_path / "m.xlsx", [row("K1", 0.5) + [0.2]],
                           header=D.REQUIRED + (D.POINTS,))
    with pytest.raises(InputError, match=f"列标题“{D.POINTS}”出现了两次\\(I1、K1\\)"):
        read_tables(path, [D])
    assert taken == []


def test_title_row_above_headers_is_named(tmp_path, taken):
    book = xlsxwriter.Workbook(str(tmp_path / "m.xlsx"))
    sheet = book.add_worksheet(D.SHEET)
    sheet.write(0, 0, "2014年扣分记录")
    sheet.write_row(1, 0, D.REQUIRED)
    sheet.write_row(2, 0, row("K1", 0.5)[:2])
    book.close()
    with pytest.raises(InputError, match="列标题在第2行"):
        read_tables(tmp_path / "m.xlsx", [D])
    assert taken == []


def test_every_sheet_of_the_sample_reads_the_same_both_ways(monkeypatch):
    cell = {k: (t.columns, [(r.number, repr(r.values)) for r in t.rows], t.repeated)
            for k, t in read_tables(SAMPLE).items()}
    monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    arrow = {k: (t.columns, [(r.number, repr(r.values)) for r in t.rows], t.repeated)
             for k, t in read_tables(SAMPLE).items()}
    assert arrow == cell
    assert len(cell[D.SHEET][1]) > 10
