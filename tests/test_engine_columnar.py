"""The engine's column path for a big 扣分记录 (ColumnarTable: validation
once per distinct combination of cells, rows built from codes) gives
exactly what its row path gives: the same findings (rule, cell, message,
row, in the same order), scores, details and owned sheets.

The small test workbooks never take the column path on their own (it is
for sheets of 2 MB of XML and more), so here each input runs both ways:
read from .xlsx with the reader's threshold lowered to 0 (fastexcel, real
files), and in memory with the 扣分记录 Table turned into a ColumnarTable."""
from __future__ import annotations

import datetime as dt
import sys
from array import array
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine_fixtures import NAMES, good, tables, with_sheet
from individual_fixtures import person, rec, rev
from individual_fixtures import tables as ind_tables
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate, owned_sheets
from lyciq_xl.engine.assessment import Assessment
from lyciq_xl.table import Column, ColumnarTable, Table
from lyciq_xl.xlsxio import reader
from lyciq_xl.xlsxio.reader import read_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbook" / "主工作簿示例.xlsx"
D = c.Deductions


def columnar(table: Table) -> ColumnarTable:
    """`table` as the column reader would give it: each column
    dictionary-encoded (by type and value: True is not Decimal(1)), the
    rows at their own Excel row numbers, rows between them blank."""
    height = max((r.number for r in table.rows), default=1) - 1
    data: dict[str, Column] = {}
    for header in table.columns:
        codes = array("i", [0] * height)
        index: dict[tuple[type, Any], int] = {(type(None), None): 0}
        distinct: list[Any] = [None]
        for row in table.rows:
            value = row.values.get(header)
            key = (type(value), value)
            if key not in index:
                index[key] = len(distinct)
                distinct.append(value)
            codes[row.number - 2] = index[key]
        data[header] = Column(codes, distinct, 0)
    return ColumnarTable(table.sheet, table.columns, table.repeated, data, height)


def picture(a: Assessment) -> dict[str, Any]:
    """Everything an Assessment says, in comparable form."""
    return {
        "findings": [(f.level, f.sheet, f.cell, f.rule, f.message, f.row, f.header) for f in a.findings],
        "results": a.results, "service": a.service, "periods": a.periods,
        "key": a.key_task_scores,
        "details": {code: (d.deductions, d.sums, list(d.sums), d.excluded, d.grave, d.original,
                           d.revoked, d.bonus_sum, d.key_sum)
                    for code, d in a.details.items()},
        "appeals": [(o.appeal.row, o.counted, o.note, o.error, o.effective) for o in a.appeals],
        "owned": [(s.name, s.headers, s.rows, s.links) for s in owned_sheets(a)],
        "individual": None if a.individual is None else (
            a.individual.people, a.individual.quotas, a.individual.excluded, a.individual.latest),
    }


def both_ways(t: dict[str, Table], sheets: tuple[str, ...] = (D.SHEET,)
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = picture(evaluate(t))
    t = dict(t)
    for sheet in sheets:
        t[sheet] = columnar(t[sheet])
    cols = evaluate(t)
    # the engine works on these two in columns (the others it reads as rows)
    fast = [s for s in sheets if s in (D.SHEET, c.PersonalRecords.SHEET, c.MonthlyReviews.SHEET)]
    assert all(not t[sheet].materialised for sheet in fast), "the column path was not taken"
    return rows, picture(cols)


# Every per-row rule planted, some rows revoked, duplicates (D08) among
# counted rows and with a row left out for an error, cells as clerks type them.
PLANTED = [
    good("R1"),
    good("R2", points=Decimal("0.15")),                         # D01 not a tenth
    good("R3", points="0.5"),                                  # a number typed as text: counts
    good("R4", points="０.５"),                                 # full-width digits: counts
    good("R5", points=Decimal(-1)),                            # D01
    good("R6", points=None),                                   # D01 blank
    good("R7", standard="XX-9"),                               # D02
    good("R8", standard="ｂｊ-1"),                              # full-width: not BJ-1 -> D02
    good("R9", standard="F4-1", points=Decimal(3)),            # D03 out of [0.5, 1]
    good("R10", standard="F4-1", category="管理绩效", indicator="GL01"),  # D04 not in standard
    good("R11", category="创优绩效"),                          # D04 not deductible
    good("R12", dept="不存在科"),                               # D05
    good("R13", period="2013Q4", date=dt.date(2013, 11, 1)),   # D06 other year
    good("R14", period="第三季度"),                             # D06 unreadable
    good("R15", date=dt.date(2014, 5, 1)),                     # D09 outside Q1
    good("R16", date=None),                                    # D16 blank date
    good("R17", date="2014-02-30"),                            # D16 no such day
    good("R18", indicator="LZ99"),                             # D07
    good("R19", status="作废"),                                 # D10
    good("R20", status="撤销", points=Decimal("0.15")),         # revoked: not validated at all
    good("R21", reason="同一事由"),
    good("R22", reason="同一事由"),                             # D08 with R21
    good("R23", reason="同一事由", points=Decimal("0.15")),     # left out (D01): no D08
    good("R24", period="2014", date=dt.date(2014, 9, 9)),      # a year deduction
    good("R25", dept="BGS", period="2014Q3", date=dt.date(2014, 8, 1)),  # 科室代码
    good("R26", dept="检疫科", standard="F5-1", points=Decimal(2)),       # grave: blocks 优秀
    good("R27", points=Decimal("0.30000000000000004")),        # not a tenth: D01
    good("R28", date="2014年2月11日"),                          # a date typed as text
    good("R29", points=True),                                  # TRUE typed: D01
    good("R30", reason="同一事由", dept=NAMES[1]),              # same 事由, other 科室: no D08
]


def test_planted_errors_give_the_same_everything():
    rows, cols = both_ways(tables(PLANTED))
    assert cols == rows
    rules = {f[3] for f in rows["findings"]}
    assert {"D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10", "D16"} <= rules


def test_blank_rows_and_rows_with_only_own_columns_are_no_rows():
    header = list(D.COLUMNS) + ["备注"]
    grid = [header, good("R1") + [None], [None] * len(header), good("R2", points=Decimal("0.15")) + [None],
            [None] * len(D.COLUMNS) + ["只有备注"], good("R3") + ["说明"]]
    t = with_sheet(tables(), D, grid)
    rows, cols = both_ways(t)
    assert cols == rows
    assert [d.row for d in evaluate(t).inputs.deductions] == [2, 4, 6]


def test_optional_columns_kind_and_special_give_the_same_findings():
    header = list(D.COLUMNS) + [D.KIND, D.SPECIAL]
    grid = [header,
            good("R1") + ["专项考核", None],                     # D11
            good("R2") + ["专项考核", "安全生产"],
            good("R3") + ["年度考核", None],                     # D15: quarter period
            good("R4", period="2014", date=dt.date(2014, 6, 1)) + ["季度考核", None],  # D15
            good("R5") + ["临时考核", None],                     # D15 unknown
            good("R6") + [None, "安全生产"]]
    rows, cols = both_ways(with_sheet(tables(), D, grid))
    assert cols == rows
    assert {"D11", "D15"} <= {f[3] for f in rows["findings"]}


def test_unapproved_indicator_is_named_once_both_ways():
    rows, cols = both_ways(tables([good("R1"), good("R2")], indicators=[
        ["办公室", "履职绩效", "LZ01", "主体工作", *[None] * 6, "待审核"]]))
    assert cols == rows
    assert [f[3] for f in rows["findings"]].count("A01") == 1


def test_planted_individual_errors_give_the_same_everything():
    # 人员: BGS01 in 办公室 since March; 个人扣加分 with every P rule planted
    staff = [person("BGS01", "张三", "办公室", start="2014-03"), person("BGS02", "李四", "办公室")]
    records = [
        rec("2014-02", "BGS02", "BGS02-1", "扣分", 0.5),        # in post: counts
        rec("2014-04", "BGS01", "BGS01-1", "扣分", 0.5),
        rec("2014-04", "BGS01", "BGS01-1", "扣分", 0.15),       # P04 分值
        rec("2014-02", "BGS01", "BGS01-1", "扣分", 0.5),        # P05 before 起始月份 (the same
                                                                # month counts for BGS02)
        rec("2013-12", "BGS02", "BGS02-1", "扣分", 0.5),        # P05 other year
        rec("2014-13", "BGS02", "BGS02-1", "扣分", 0.5),        # P05 unreadable
        rec("2014-05", "王五", "X-1", "扣分", 0.5),              # P01 unknown person
        rec("2014-05", "BGS02", "BGS01-1", "扣分", 0.5),        # P02 not BGS02's indicator
        rec("2014-05", "BGS02", "BGS02-1", "罚分", 0.5),        # P04 类型
        rec("2014-05", "BGS02", "BGS02-1", "加分", 1, status="作废"),   # P04 状态
        rec("2014-05", "BGS02", "BGS02-1", "加分", 0.15, status="撤销"),  # revoked: not checked
        rec("2014-06", "李四", "BGS02-1", "加分", "1"),           # 姓名 and a number as text
    ]
    monthly = [rev(f"2014-{m:02d}", who, "好") for m in range(3, 7) for who in ("BGS01", "BGS02")]
    monthly += [
        rev("2014-02", "BGS02", "较好"),                          # in post: counts
        rev("2014-02", "BGS01", "好"),          # P05 before 起始月份 (the same month counts above)
        rev("2013-12", "BGS02", "好"),                            # P05 other year
        rev("2014-07", "王五", "好"),                              # P01 unknown person
        rev("2014-07", "BGS02", "优秀"),                          # P06 评定等次
        rev("2014-06", "李四", "一般"),                           # P09 with BGS02's 2014-06 above
        rev("2014-02", "BGS01", "较差"),        # P05 again: unusable, so no P09 with the row above
    ]
    rows, cols = both_ways(ind_tables(staff=staff, records=records, monthly=monthly),
                           (D.SHEET, c.PersonalRecords.SHEET, c.MonthlyReviews.SHEET))
    assert cols == rows
    assert {"P01", "P02", "P04", "P05", "P06", "P09"} <= {f[3] for f in rows["findings"]}
    on_reviews = [(f[3], f[2]) for f in rows["findings"] if f[1] == c.MonthlyReviews.SHEET]
    # rows 2-9 the good ones (BGS02 2014-06 on row 9), the planted rows 10-16 (考核月份 A, 人员 B, 评定等次 C)
    assert sorted(on_reviews) == sorted([("P05", "A11"), ("P05", "A12"), ("P01", "B13"), ("P06", "C14"),
                                         ("P09", "A9"), ("P09", "A15"), ("P05", "A16")])


def test_the_sample_reads_and_evaluates_the_same_both_ways(monkeypatch):
    rows = picture(evaluate(read_tables(SAMPLE)))
    monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    tables_ = read_tables(SAMPLE)
    assert isinstance(tables_[D.SHEET], ColumnarTable)
    cols = evaluate(tables_)
    assert cols.inputs.deduction_codes is not None
    assert picture(cols) == rows
    assert rows["findings"]                       # the sample plants mistakes


@pytest.fixture(scope="module")
def bench_book(tmp_path_factory) -> Path:
    """bench/generate.py at a small scale: 12 sections, 3,000 deductions
    (~1 % planted D01), 60 people (the individual part)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate
    return generate(tmp_path_factory.mktemp("bench") / "small.xlsx", 12, 3_000, people=60)


def test_the_bench_workbook_evaluates_the_same_both_ways(bench_book, monkeypatch):
    rows = picture(evaluate(read_tables(bench_book)))
    monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    cols = evaluate(read_tables(bench_book))
    assert cols.inputs.deduction_codes is not None
    assert picture(cols) == rows
    assert sum(1 for f in rows["findings"] if f[3] == "D01") == 30    # every 100th of 3,000 rows
    # 60 people x 12 months x 5 个人扣加分 rows = 3,600, every 100th 0.15: P04
    assert sum(1 for f in rows["findings"] if f[3] == "P04") == 36
