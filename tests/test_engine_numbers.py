"""Numbers as clerks type or Excel stores them (float noise, decimal commas,
huge or tenth points, text and number ids), read exactly and never rounded
before the end; the caps of 重点 and 创优.
Each test states the SPEC rule it checks; expected numbers are worked by
hand in the comments. Fixture layout: tests/engine_fixtures.py.
"""
from decimal import Decimal

import pytest

from engine_fixtures import (
    DED,
    ERR,
    EXT,
    WARN,
    D,
    ballot,
    found,
    good,
    indicator_rows,
    key,
    tables,
    with_sheet,
)
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.table import as_decimal

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


# --- 重点 / 创优 / robustness ---------------------------------------------------------------

def test_c02_three_and_three_point_zero_are_the_same_points():
    a = evaluate(tables(bonuses=[["2014", "bgs", "a", "国家级", "3.0", None],
                                 ["2014Q2", "BGS ", "b", "局级", 0.50, None]]))
    assert found(a, "C02") == []
    assert a.result("BGS", "2014").excellence == Decimal("3.5")    # 3 + 0.5


def test_numeric_indicator_id_matches_text_id():
    inds = indicator_rows() + [["办公室", "履职绩效", "101", "x", None, None, None, None, None, None,
                                "已审核"]]
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
