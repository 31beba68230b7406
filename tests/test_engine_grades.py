"""Ranking and 等次 (SPEC 4): the 优秀 quota, ties, the fail line, and the
扣分标准 来源/等级 that decide whether a deduction blocks 优秀.
Each test states the SPEC rule it checks; expected numbers are worked by
hand in the comments. Fixture layout: tests/engine_fixtures.py.
"""
from decimal import Decimal

import pytest

from engine_fixtures import STANDARDS, D, good, tables, with_sheet
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.errors import InputError

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
