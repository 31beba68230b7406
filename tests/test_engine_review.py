"""Review of the engine against SPEC sections 4 and 5 with realistic clerk
input. Each test states the SPEC rule it checks; expected numbers are worked
by hand in the comments.

Fixture layout: see tests/test_engine_rules.py (扣分记录 C 日期, I 扣分;
外部评价 C 地方政府评价; 扣分标准 B 来源, D 等级; data rows from Excel row 2).
Default framework: 行政管理/直属 履职 40 管理 30; 业务管理 履职 45 管理 25,
地方政府评价 5.
"""
import datetime as dt
from decimal import Decimal

import pytest

from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.errors import InputError
from lyciq_xl.table import as_date, as_decimal, table_from_grid
from tests.engine_fixtures import (STANDARDS, ballot, ded, found, indicator_rows, key,
                                   party_ballot, tables)

ERR, WARN = "错误", "警告"
DED, EXT = "扣分记录", "外部评价"
D = dt.date


def good(no="R1", period="2014Q1", date=D(2014, 2, 10), dept="办公室", category="履职绩效",
         indicator="LZ01", standard="BJ-1", reason=None, points=Decimal("0.5"), status="有效"):
    return ded(no, period, date, dept, category, indicator, standard, reason or f"事由{no}",
               points, status)


def with_sheet(t, spec, grid):
    t[spec.SHEET] = table_from_grid(spec.SHEET, grid, spec.REQUIRED)
    return t


# --- decimals ---------------------------------------------------------------------------

def test_excel_formula_float_noise_reads_as_the_value_excel_shows():
    # SPEC 4: "Arithmetic is exact decimal: 0.1+0.2 is 0.3". A 扣分 cell holding
    # =0.1+0.2 is stored by Excel as 0.30000000000000004 (=1-0.9 as
    # 0.09999999999999998); Excel keeps 15 significant digits and shows 0.3 / 0.1.
    a = evaluate(tables(deductions=[good("R1", points=0.1 + 0.2), good("R2", points=1 - 0.9)]))
    assert a.findings == []
    assert a.result("BGS", "2014Q1").duty == Decimal("39.6")      # 40 − 0.3 − 0.1


def test_decimal_comma_is_not_read_as_a_thousands_separator():
    # "0,5" typed for 0.5 must not become 5: with F5-1 [1, 5] it would pass D03
    # silently and deduct 5 points (and, being 附件5 重大, block 优秀).
    a = evaluate(tables(deductions=[good(standard="F5-1", points="0,5")]))
    assert found(a, "D01") == [(ERR, DED, "I2")]
    bgs = a.result("BGS", "2014")
    assert (bgs.duty, bgs.grade) == (Decimal(40), "优秀")         # nothing counted; 40 + 30 = 70, rank 1
    assert as_decimal("1,000") == Decimal(1000)                  # real grouping still accepted
    assert as_decimal("12,345.5") == Decimal("12345.5")
    assert as_decimal("9,5") is None and as_decimal("1,00") is None


def test_decimal_comma_in_a_rate_is_b05_not_95():
    a = evaluate(tables(external=[["2014", "综合科", "9,5", None]]))
    assert found(a, "B05") == [(ERR, EXT, "C2")]
    assert {s.dept: s for s in a.service}["综合科"].government == Decimal("0.00")


@pytest.mark.parametrize("points,rule", [("1" * 40, "D03"), (Decimal("1E+30"), "D03"), (1e30, "D03"),
                                         ("0." + "0" * 30 + "1", "D01"), ("1" * 40 + ".05", "D01")])
def test_huge_points_are_a_finding_not_a_crash(points, rule):
    # a mis-pasted long number must give the clerk a finding, never a traceback
    # (Decimal % 0.1 raises DivisionImpossible past 28 digits); a huge whole
    # number is a multiple of 0.1 but outside BJ-1's [0.1, 2]: D03
    a = evaluate(tables(deductions=[good(points=points)]))
    assert found(a, rule) == [(ERR, DED, "I2")]
    assert a.result("BGS", "2014").duty == Decimal(40)
    if points == "1" * 40:                       # the message quotes the value exactly
        assert f"扣分“{'1' * 40}”" in a.findings[0].message


@pytest.mark.parametrize("points,expected", [
    ("0.1", "39.9"),                  # text number: 40 − 0.1
    (Decimal("1E-1"), "39.9"),        # 1e-1 is 0.1
    (Decimal("0.30"), "39.7"),        # trailing zero: 40 − 0.3
    (" 0.3 ", "39.7"),
])
def test_points_forms_that_are_a_tenth(points, expected):
    a = evaluate(tables(deductions=[good(points=points)]))
    assert a.findings == [] and a.result("BGS", "2014").duty == Decimal(expected)


def test_many_tenths_sum_exactly_and_totals_are_decimals():
    # 37 × 0.1 = 3.7 exactly: 40 − 3.7 = 36.3 (floats would give 36.29999…)
    rows = [good(f"R{i}", date=D(2014, 1, 1 + i % 28), points=0.1, reason=f"r{i}") for i in range(37)]
    a = evaluate(tables(deductions=rows))
    assert a.findings == []
    assert str(a.result("BGS", "2014Q1").duty) == "36.3"
    for r in a.results:
        for v in (r.duty, r.management, r.total, r.key, r.service, r.excellence):
            assert v is None or type(v) is Decimal


def test_external_mean_rate_is_not_rounded_before_multiplying():
    # SPEC 4: sub-score = points × rate / 100, rounded half-up to 2 dp — only
    # the sub-score is rounded. With 地方政府评价 3 points and rates 20, 30, 21.5:
    # 3 × (20 + 30 + 21.5) / 3 / 100 = 71.5 / 100 = 0.715 → 0.72.
    # (Rounding the mean 23.8333… to 28 digits first gives 0.71499… → 0.71.)
    fw = [list(f) for f in c.DEFAULT_FRAMEWORK]
    for f in fw:
        if f[0] == c.FrameworkName.BUSINESS and f[2] == c.ServiceItem.GOVERNMENT:
            f[3] = "3"
    t = tables(external=[["2014Q1", "综合科", 20, None], ["2014Q2", "综合科", 30, None],
                         ["2014Q3", "综合科", 21.5, None]])
    a = evaluate(with_sheet(t, c.Framework, [list(c.Framework.REQUIRED)] + fw))
    assert {s.dept: s for s in a.service}["综合科"].government == Decimal("0.72")


def test_ballot_mean_is_not_rounded_before_multiplying():
    # 15 × (1 + 0.6 + 0) / 3 = 8.00 exactly; the mean 0.5333… is never rounded
    peer = [ballot("2014", 1, "人事科", {"办公室": "满意"}),
            ballot("2014", 2, "综合科", {"办公室": "基本满意"}),
            ballot("2014", 3, "轻纺科", {"办公室": "不满意"})]
    a = evaluate(tables(peer=peer))
    assert {s.dept: s for s in a.service}["办公室"].peer == Decimal("8.00")


# --- dates and periods --------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2014-03-31 10:30", "2014/1/1 08:00:00", "2014年3月31日 17:05",
                                  "2014年3月31号", "2014-03-31T23:59:59"])
def test_text_dates_with_a_time_on_the_quarter_boundary_days(date):
    # first and last day of 2014Q1, as text pasted from a system export
    a = evaluate(tables(deductions=[good(date=date)]))
    assert a.findings == [] and a.result("BGS", "2014Q1").duty == Decimal("39.5")   # 40 − 0.5


@pytest.mark.parametrize("date", [dt.datetime(2014, 3, 31, 23, 59, 59), dt.datetime(2014, 1, 1, 0, 0),
                                  D(2014, 1, 1), D(2014, 3, 31)])
def test_datetimes_on_the_quarter_boundary_days(date):
    a = evaluate(tables(deductions=[good(date=date)]))
    assert a.findings == [] and a.result("BGS", "2014Q1").duty == Decimal("39.5")   # 40 − 0.5


@pytest.mark.parametrize("date", [D(2013, 12, 31), dt.datetime(2014, 4, 1, 0, 0)])
def test_datetimes_just_outside_the_quarter_are_d09(date):
    a = evaluate(tables(deductions=[good(date=date)]))
    assert found(a, "D09") == [(ERR, DED, "C2")] and a.result("BGS", "2014Q1").duty == Decimal(40)


def test_text_date_with_time_is_still_checked_against_the_quarter():
    assert as_date("2014-04-01 00:00") == D(2014, 4, 1)
    assert as_date("2014-04-01T08:30:15.5") == D(2014, 4, 1)
    assert as_date("2014-04-01 上午") is None and as_date("2014-04-01 25:10") is None
    a = evaluate(tables(deductions=[good(date="2014-04-01 00:00"), good("R2", date="2013-12-31 23:59")]))
    assert found(a, "D09") == [(ERR, DED, "C2"), (ERR, DED, "C3")]


@pytest.mark.parametrize("period", ["2014q1", " 2014Q1 ", "２０１４Ｑ１", "2014 Q1", "2014Ｑ1"])
def test_period_forms_clerks_type(period):
    a = evaluate(tables(deductions=[good(period=period)]))
    assert a.findings == [] and [str(p) for p in a.periods] == ["2014Q1", "2014"]


def test_quarter_of_another_year_makes_no_result_row_and_is_pending_on_the_year():
    # 2013Q4 is D06: left out, no 2014Q4 rows; a ballot names 2014Q2
    a = evaluate(tables(deductions=[good(period="2013Q4", date=D(2013, 11, 1))],
                        party=[party_ballot("2014Q2", 1, {"人事科": "满意"})]))
    assert found(a, "D06") == [(ERR, DED, "B2")]
    assert [str(p) for p in a.periods] == ["2014Q1", "2014Q2", "2014"]
    assert [a.result("BGS", p).pending for p in ("2014Q1", "2014Q2", "2014")] == [0, 0, 1]
    q2 = a.result("RSK", "2014Q2")
    # quarter rows: 履职 + 管理 only (40 + 30), other categories blank
    assert (q2.key, q2.service, q2.excellence, q2.total, q2.grade) == (None, None, None, Decimal(70), None)
    assert a.result("RSK", "2014").service == Decimal("15.00")    # quarter ballot counts for the year: 15 × 1


# --- ranking and 等次 ----------------------------------------------------------------------

def test_quota_zero_gives_no_excellent_and_quota_two_includes_ties_at_rank_two():
    # 业务管理 year totals: ZHK 70, JDHK 69.7 (45 − 0.3 + 25), QFK 69.70 via 0.1 + 0.2, JYK 69
    a = evaluate(tables(
        deductions=[good("R1", dept="JDHK", points=Decimal("0.3")),
                    good("R2", dept="QFK", points=Decimal("0.1")),
                    good("R3", dept="QFK", points=Decimal("0.2"), date=D(2014, 2, 11)),
                    good("R4", dept="JYK", points=Decimal(1))],
        params=[["优秀名额:业务管理科室", 2], ["优秀名额:行政管理科室", 0]]))
    year = {r.code: (r.rank, r.grade) for r in a.results if r.period == "2014"}
    assert year["ZHK"] == (1, "优秀") and year["JDHK"] == (2, "优秀") and year["QFK"] == (2, "优秀")
    assert year["JYK"] == (4, "合格")
    assert year["BGS"] == (1, "合格") and year["RSK"] == (1, "合格")     # quota 0
    q1 = {r.code: r.rank for r in a.results if r.period == "2014Q1" and r.series == "业务管理科室"}
    assert q1 == {"ZHK": 1, "JDHK": 2, "QFK": 2, "JYK": 4}               # quarter rows ranked too


def test_revoked_or_error_grave_deduction_does_not_block_excellent():
    a = evaluate(tables(deductions=[
        good("R1", standard="F5-1", points=Decimal(1), status="撤销"),   # revoked
        good("R2", standard="F5-1", points=Decimal("1.05")),              # D01: left out
        good("R3", standard="F5-1", points=Decimal(1), period="2013Q1", date=D(2013, 2, 1))]))  # D06
    bgs = a.result("BGS", "2014")
    assert (bgs.total, bgs.rank, bgs.grade) == (Decimal(70), 1, "优秀")   # 40 + 30, nothing counted


def test_fail_line_comes_before_excellent():
    # 21 × 2 = 42 deducted from 办公室 履职: −2 + 30 = 28 < 60, yet its series
    # partner 人事科 has 70; with quota 2 办公室 is rank 2 ≤ 2 but 不合格 first
    rows = [good(f"R{i}", date=D(2014, 1, i), points=Decimal(2)) for i in range(1, 22)]
    a = evaluate(tables(deductions=rows, params=[["优秀名额:行政管理科室", 2]]))
    bgs = a.result("BGS", "2014")
    assert (bgs.total, bgs.rank, bgs.grade) == (Decimal(28), 2, "不合格")


# --- 扣分标准 来源/等级 decide 优秀 -------------------------------------------------------------

def _standards(source, level):
    grid = [list(c.Standards.COLUMNS)] + [list(s) for s in STANDARDS]
    grid.append(["F5-9", source, "事故", level, "重大责任事故", 1, 5, "履职绩效"])   # row 6
    return grid


def test_full_width_annex5_grave_standard_still_blocks_excellent():
    # "附件５" (full-width 5, as an IME types it) is 附件5: a valid 重大 deduction blocks 优秀
    t = tables(deductions=[good(standard="F5-9", points=Decimal(1)),
                           good("R2", dept="人事科", points=Decimal(2))])
    a = evaluate(with_sheet(t, c.Standards, _standards("附件５", "重大")))
    bgs = a.result("BGS", "2014")
    # 办公室 39 + 30 = 69 ranks above 人事科 38 + 30 = 68, but has a 重大 deduction
    assert (bgs.total, bgs.rank, bgs.grade) == (Decimal(69), 1, "合格")


@pytest.mark.parametrize("source,level,cell", [("附件五", "重大", "B6"), ("附件5", "严重", "D6")])
def test_unknown_standard_source_or_level_is_named(source, level, cell):
    # a typo here would silently let a grave accident through to 优秀
    t = tables()
    with pytest.raises(InputError, match=f"扣分标准.*{cell}"):
        evaluate(with_sheet(t, c.Standards, _standards(source, level)))


# --- ballots ------------------------------------------------------------------------------

def test_empty_ballot_sheets_and_a_section_with_no_rows_anywhere():
    a = evaluate(tables(peer_header=list(c.PeerBallots.COLUMNS), party_header=list(c.PartyBallots.COLUMNS)))
    assert a.findings == []
    zhk = a.result("ZHK", "2014")
    # base points only: 45 + 25 + 0 + (0 + 0 + 0 + 0) + 0 = 70
    assert (zhk.duty, zhk.management, zhk.key, zhk.service, zhk.excellence, zhk.total) == \
        (Decimal(45), Decimal(25), Decimal(0), Decimal(0), Decimal(0), Decimal(70))


def test_trim_needs_three_valid_ballots_after_invalid_cells():
    # four ballots on 综合科 but one cell is B01 and one a self vote (B02):
    # 2 valid (满意 1, 基本满意 0.6) < 3 → no trim: 10 × 1.6 / 2 = 8.00
    peer = [ballot("2014", 1, "办公室", {"综合科": "满意"}),
            ballot("2014", 2, "人事科", {"综合科": "很好"}),
            ballot("2014", 3, "综合科", {"综合科": "满意"}),
            ballot("2014Q3", 4, "jyk", {"综合科": "基本满意"})]
    a = evaluate(tables(peer=peer, params=[["互评去掉最高最低分", "是"]]))
    assert found(a, "B01") == [(ERR, "相互评价", "F3")] and found(a, "B02") == [(ERR, "相互评价", "F4")]
    s = {r.dept: r for r in a.service}["综合科"]
    assert (s.peer, s.ballots) == (Decimal("8.00"), 2)


# --- 重点 / 创优 / robustness ---------------------------------------------------------------

def test_c02_three_and_three_point_zero_are_the_same_points():
    a = evaluate(tables(bonuses=[["2014", "bgs", "a", "国家级", "3.0", None],
                                 ["2014Q2", "BGS ", "b", "局级", 0.50, None]]))
    assert found(a, "C02") == []
    assert a.result("BGS", "2014").excellence == Decimal("3.5")    # 3 + 0.5


def test_numeric_indicator_id_matches_text_id():
    inds = indicator_rows() + [["办公室", "履职绩效", "101", "x", None, None, None, None, None, None, "已审核"]]
    a = evaluate(tables(indicators=inds, deductions=[good(indicator=Decimal(101))]))
    assert a.findings == [] and a.result("BGS", "2014").duty == Decimal("39.5")


def test_key_task_counts_zero_with_k02_and_k03_caps():
    # 7 × 1.5 完成 = 10.5 → cap 10; one more 1 with blank 完成情况 counts 0 (K02)
    rows = [key("JYK", f"Z{i}", "t", 1.5) for i in range(7)] + [key("JYK", "Z9", "t", 1, completion=None)]
    a = evaluate(tables(key_tasks=rows))
    assert found(a, "K03") == [(WARN, "重点指标", "G8")] and found(a, "K02") == [(WARN, "重点指标", "L9")]
    assert a.result("JYK", "2014").key == Decimal(10)


def test_explain_shows_the_total_unrounded():
    # 参数 完成系数:基本完成 0.625 (editable): key 1 × 0.625 = 0.625;
    # total 40 + 30 + 0.625 + 0.00 + 0 = 70.625 — never rounded (Python's
    # half-even "{:.2f}" would print 70.62, Excel's "0.00" shows 70.63)
    a = evaluate(tables(key_tasks=[key("BGS", "Z1", "t", 1, completion="基本完成")],
                        params=[["完成系数:基本完成", "0.625"]]))
    assert a.result("BGS", "2014").total == Decimal("70.625")
    text = a.explain("BGS").text()
    assert "总分 70.625," in text
    assert "总分 70.00," in a.explain("RSK").text()               # 2 decimals as before
    assert "总分 70.00," in a.explain("RSK", "2014").text()


# --- a clerk's own column -------------------------------------------------------------------

def test_a_remark_alone_in_the_clerks_own_column_is_not_a_data_row():
    # SPEC 5: clerks may add their own columns, "kept and ignored". A row whose
    # only value is a remark there must raise nothing (it used to raise D01,
    # D02, D04, D05, D06 on 扣分记录 and stop the run on 扣分标准).
    t = tables(deductions=[good()])
    pad = [None] * (len(c.Deductions.COLUMNS) - 12)   # optional columns beyond 状态 (考核类型 …)
    ded_grid = [list(c.Deductions.COLUMNS) + ["备注"],
                good() + pad + ["手填"],                           # row 2: a real row with a remark
                [None] * 12 + pad + ["二季度无其他扣分"]]          # row 3: remark only
    std_grid = [list(c.Standards.COLUMNS) + ["备注"]] + [list(s) + [None] for s in STANDARDS] + \
               [[None] * 8 + ["以上标准2014年修订"]]
    key_grid = [list(c.KeyTasks.COLUMNS) + ["备注"], [None] * 12 + ["年中调整"]]
    with_sheet(t, c.Deductions, ded_grid)
    with_sheet(t, c.Standards, std_grid)
    with_sheet(t, c.KeyTasks, key_grid)
    with_sheet(t, c.External, [list(c.External.COLUMNS) + ["备注"], [None] * 4 + ["待市政府反馈"]])
    with_sheet(t, c.Bonuses, [list(c.Bonuses.COLUMNS) + ["备注"], [None] * 6 + ["无"]])
    a = evaluate(t)
    assert a.findings == []
    bgs = a.result("BGS", "2014")
    assert (bgs.duty, bgs.pending) == (Decimal("39.5"), 0)           # 40 − 0.5 (row 2 only)
    # a row with data in a contract column is still checked: 扣分 only → D01 … on row 4
    ded_grid.append([None] * 8 + [Decimal("0.05"), None, None, None] + pad + ["备注"])
    a = evaluate(with_sheet(tables(), c.Deductions, ded_grid))
    assert found(a, "D01") == [(ERR, DED, "I4")]


def test_a_ballot_column_repeating_a_section_name_exactly_is_b03_on_its_header():
    # two columns both headed 人事科 (D and K): the second is ignored like a
    # code/name repeat, but it must be named, not silently dropped
    from tests.engine_fixtures import NAMES
    header = ["考核期", "票号"] + NAMES + ["人事科"]
    a = evaluate(tables(party=[party_ballot("2014", 1, {"人事科": "较满意"}) + ["满意"]],
                        party_header=header))
    assert found(a, "B03") == [(ERR, "党组评价", "K1")]
    assert "人事科" in a.findings[0].message
    assert {s.dept: s for s in a.service}["人事科"].party == Decimal("12.00")   # 15 × 0.8, K ignored


def test_unused_pre_numbered_ballot_slips_raise_nothing():
    # slips numbered in advance (票号 only, or 票号 and 考核期 filled down) that
    # hold no grade leave nothing out of the scores: no D06 / B03 for them
    peer = [ballot("2014", 1, "人事科", {"办公室": "满意"}),
            ballot(None, 2, None, {}), ballot("2014", 3, None, {})]
    party = [party_ballot(None, 1, {}), party_ballot("2014", 2, {"办公室": "较满意"})]
    a = evaluate(tables(peer=peer, party=party))
    assert a.findings == []
    s = {r.dept: r for r in a.service}["办公室"]
    assert (s.peer, s.party, s.ballots) == (Decimal("15.00"), Decimal("12.00"), 2)   # 15 × 1, 15 × 0.8
    # a slip with a grade is still checked: blank 投票科室 → B03, whole ballot out
    a = evaluate(tables(peer=peer + [ballot("2014", 4, None, {"办公室": "不满意"})]))
    assert found(a, "B03") == [(ERR, "相互评价", "C5")]
