"""Dates as clerks type them (issue 8 defect 4): accepted forms count in
the score; a two-digit year asks for four digits; an unreadable date says
it is unreadable (D16), not that it lies outside the period (D09)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.commands.recalc import recalc
from lyciq_xl.port import FilePort
from lyciq_xl.table import as_date
from tests.engine_fixtures import found, tables
from tests.test_engine_rules import DED, ERR, bgs_year_duty, good

MARCH_5 = dt.date(2014, 3, 5)     # a Wednesday


@pytest.mark.parametrize("typed", [
    Decimal(20140305), "20140305", "２０１４０３０５",
    "2014年3月5日星期三", "2014年3月5日(周三)", "2014年3月5日（周三）", "2014年3月5日 礼拜三",
    "2014.03.05.", "2014.3.5", "2014/3/5 上午10:30", "2014/3/5 下午3:05", "2014-03-05 10时30分",
    "二〇一四年三月五日", "二○一四年三月五日", "二〇一四年三月五日星期三",
])
def test_forms_clerks_type_are_read(typed):
    assert as_date(typed) == MARCH_5


def test_chinese_numerals_with_tens():
    assert as_date("二〇一四年十二月三十一日") == dt.date(2014, 12, 31)
    assert as_date("二〇一四年三月十日") == dt.date(2014, 3, 10)
    assert as_date("二〇一四年二月二十日") == dt.date(2014, 2, 20)


@pytest.mark.parametrize("typed", [
    "14.3.5", "2014年3月5日星期四", "2014/3/5 下午15:00", "20140230", Decimal("20140305.5"),
    Decimal(41703), "3月5日", "2014-04-01 上午",
])
def test_not_dates(typed):
    assert as_date(typed) is None


def _d11(typed):
    a = evaluate(tables(deductions=[good("R1", date=typed)]))
    assert found(a, "D09") == []
    assert found(a, "D16") == [(ERR, DED, "C2")]
    assert bgs_year_duty(a) == Decimal(40)          # left out: 40 − 0
    return next(f.message for f in a.findings if f.rule == "D16")


def test_two_digit_year_asks_for_four_digits():
    message = _d11("14.3.5")
    assert message.startswith("日期未填写或无法识别:日期“14.3.5”的年份只写了两位")
    assert "请写四位年份" in message and "不在考核期" not in message


def test_unreadable_date_says_so():
    message = _d11("三月初")
    assert message.startswith("日期未填写或无法识别:日期“三月初”无法识别为日期")
    assert "不在考核期" not in message


def test_wrong_weekday_is_named():
    message = _d11("2014年3月5日星期四")
    assert "星期与日期不符(2014-03-05是星期三)" in message


def test_blank_date():
    assert _d11(None).startswith("日期未填写或无法识别:日期未填写。")


def test_a_readable_date_outside_the_quarter_is_still_d09():
    a = evaluate(tables(deductions=[good("R1", date="20140401")]))   # Q2 date, Q1 row
    assert found(a, "D09") == [(ERR, DED, "C2")] and found(a, "D16") == []


def test_typed_dates_count_in_a_real_workbook(sample_path):
    # the sample's first deduction rows, their dates replaced by typed text/numbers
    book = openpyxl.load_workbook(sample_path)
    sheet = book[c.Deductions.SHEET]
    head = [cell.value for cell in sheet[1]]
    col = head.index(c.Deductions.DATE) + 1
    period_col = head.index(c.Deductions.PERIOD) + 1
    rows = [r for r in range(2, sheet.max_row + 1)
            if str(sheet.cell(r, period_col).value).endswith("Q1")
            and isinstance(sheet.cell(r, col).value, dt.datetime)][:3]
    assert len(rows) == 3
    for r, typed in zip(rows, ("2014年3月5日星期三", 20140305, "二〇一四年三月五日")):
        sheet.cell(r, col).value = typed
        if isinstance(typed, str):
            sheet.cell(r, col).data_type = "s"
    book.save(sample_path)
    assessment = recalc(FilePort(sample_path)).result
    assert not [f for f in assessment.findings
                if f.sheet == c.Deductions.SHEET and f.row in rows and f.rule in ("D09", "D16")]
    findings = python_calamine.CalamineWorkbook.from_path(str(sample_path)).get_sheet_by_name(
        c.Findings.SHEET).to_python()
    cells = {f"{chr(64 + col)}{r}" for r in rows}
    assert not [line for line in findings if any(str(v) in cells for v in line)]
