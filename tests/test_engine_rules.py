"""Every validation rule: a failing and a passing case, the exact cell, and
what the error leaves out of the scores. Expected numbers are worked by hand.

Fixture layout: tests/engine_fixtures.py.
"""
import functools
from decimal import Decimal

import pytest

import engine_fixtures
from engine_fixtures import (
    BONUS,
    DED,
    ERR,
    EXT,
    IND,
    KEY,
    PARTY,
    PEER,
    WARN,
    D,
    ballot,
    bgs_year_duty,
    found,
    key,
    party_ballot,
    tables,
)
from lyciq_xl.engine import evaluate

# these tests give every deduction the same 事由 unless they vary it
good = functools.partial(engine_fixtures.good, reason="迟报材料")


def test_a_clean_deduction_raises_no_finding_and_counts():
    a = evaluate(tables(deductions=[good()]))
    assert a.findings == [] and not a.has_errors
    assert bgs_year_duty(a) == Decimal("39.5")          # 40 − 0.5


@pytest.mark.parametrize("points", [Decimal("0.25"), Decimal(0), Decimal("-0.1"), "一分", None])
def test_d01_points_not_positive_tenth(points):
    a = evaluate(tables(deductions=[good(points=points)]))
    assert found(a, "D01") == [(ERR, DED, "I2")]
    assert bgs_year_duty(a) == Decimal(40)              # row left out: 40 − 0
    assert a.has_errors


def test_d01_accepts_text_number_and_tenths():
    a = evaluate(tables(deductions=[good(points="0.3")]))   # Excel text "0.3"
    assert a.findings == [] and bgs_year_duty(a) == Decimal("39.7")   # 40 − 0.3


def test_d02_unknown_standard():
    a = evaluate(tables(deductions=[good(standard="XX-9")]))
    assert found(a, "D02") == [(ERR, DED, "G2")]
    assert "XX-9" in a.findings[0].message
    assert bgs_year_duty(a) == Decimal(40)


@pytest.mark.parametrize("points,bad", [(Decimal("0.4"), True), (Decimal("1.1"), True),
                                        (Decimal("0.5"), False), (Decimal(1), False)])
def test_d03_outside_standard_range(points, bad):
    # F4-1 allows [0.5, 1]; both bounds are inside
    a = evaluate(tables(deductions=[good(standard="F4-1", points=points)]))
    assert found(a, "D03") == ([(ERR, DED, "I2")] if bad else [])


def test_d04_category_unknown_or_not_allowed_by_standard():
    a = evaluate(tables(deductions=[
        good("R1", category="重点绩效"),                                   # row 2: not deductible
        good("R2", category="管理绩效", indicator="GL01", standard="F4-1"),  # row 3: F4-1 is 履职 only
        good("R3", category="管理绩效", indicator="GL01", standard="F5-1",
             points=Decimal(1)),  # row 4: "履职绩效、管理绩效"
    ]))
    assert found(a, "D04") == [(ERR, DED, "E2"), (ERR, DED, "E3")]
    assert a.result("BGS", "2014").management == Decimal(29)   # only R3: 30 − 1


def test_d05_unknown_dept_counts_nowhere():
    a = evaluate(tables(deductions=[good(dept="财务科")]))
    assert found(a, "D05") == [(ERR, DED, "D2")]
    assert "财务科" in a.findings[0].message
    assert all(r.pending == 0 for r in a.results)


def test_d05_accepts_code_any_case():
    a = evaluate(tables(deductions=[good(dept="bgs")]))
    assert a.findings == [] and bgs_year_duty(a) == Decimal("39.5")


@pytest.mark.parametrize("period", ["2014Q5", "2013Q4", "第一季度", None])
def test_d06_period_malformed_or_other_year(period):
    a = evaluate(tables(deductions=[good(period=period)]))
    assert found(a, "D06") == [(ERR, DED, "B2")]
    assert found(a, "D09") == []              # the date is not judged against a bad period
    assert bgs_year_duty(a) == Decimal(40)


def test_d06_year_period_is_valid_and_counts_for_the_year_only():
    a = evaluate(tables(deductions=[good(period="2014", date=D(2014, 11, 30))]))
    assert a.findings == []
    assert [str(p) for p in a.periods] == ["2014"]   # no quarter named anywhere
    assert bgs_year_duty(a) == Decimal("39.5")


def test_d07_indicator_not_of_that_section_and_category():
    a = evaluate(tables(deductions=[
        good("R1", indicator="LZ99"),                    # row 2: no such indicator
        good("R2", indicator="GL01"),                    # row 3: GL01 is 管理绩效, row says 履职绩效
        good("R3", indicator="GL01", category="管理绩效", reason="另一事由"),   # row 4: fine
    ]))
    assert found(a, "D07") == [(ERR, DED, "F2"), (ERR, DED, "F3")]


def test_d08_duplicate_is_a_warning_and_still_counts():
    a = evaluate(tables(deductions=[good("R1"), good("R2"), good("R3", reason="另一事由")]))
    assert found(a, "D08") == [(WARN, DED, "A3")]          # R2 repeats R1; R3 differs
    assert "R1" in a.findings[0].message and not a.has_errors
    assert bgs_year_duty(a) == Decimal("38.5")             # 40 − 0.5 × 3


def test_d08_an_earlier_row_left_out_for_an_error_is_no_original():
    a = evaluate(tables(deductions=[good("R1", points=Decimal("0.55")), good("R2")]))
    assert found(a, "D08") == [] and found(a, "D01") == [(ERR, DED, "I2")]


def test_d09_date_outside_period():
    a = evaluate(tables(deductions=[
        good("R1", date=D(2014, 4, 1)),                       # row 2: Q2 date in a Q1 row
        good("R2", date=None),                                # row 3: no date (D16)
        good("R3", date=D(2014, 3, 31), reason="b"),          # row 4: last day of Q1: fine
        good("R4", date="2014年1月1日", reason="c"),          # row 5: text date, first day: fine
    ]))
    assert found(a, "D09") == [(ERR, DED, "C2")] and found(a, "D16") == [(ERR, DED, "C3")]
    assert bgs_year_duty(a) == Decimal(39)                    # 40 − 0.5 − 0.5


def test_status_revoked_rows_are_ignored_entirely():
    a = evaluate(tables(deductions=[good(points=Decimal("0.55"), standard="??", status="撤销")]))
    assert a.findings == [] and bgs_year_duty(a) == Decimal(40)


def test_d10_status_unknown_is_an_error_blank_means_valid():
    a = evaluate(tables(deductions=[good("R1", status="作废"), good("R2", status=None, reason="b")]))
    assert found(a, "D10") == [(ERR, DED, "L2")]
    assert bgs_year_duty(a) == Decimal("39.5")                # only R2: 40 − 0.5


# --- 重点指标 --------------------------------------------------------------------------

def test_k01_points_not_allowed_row_left_out():
    a = evaluate(tables(key_tasks=[key("办公室", "ZD1", "a", 2), key("办公室", "ZD2", "b", 1.5)]))
    assert found(a, "K01") == [(ERR, KEY, "G2")]
    assert a.result("BGS", "2014").key == Decimal("1.5")      # only ZD2: 1.5 × 1
    assert 2 not in a.key_task_scores and a.key_task_scores[3].score == Decimal("1.5")


@pytest.mark.parametrize("completion", [None, "部分完成"])
def test_k02_completion_blank_or_unknown_counts_zero(completion):
    a = evaluate(tables(key_tasks=[key("办公室", "ZD1", "a", 1, completion=completion),
                                   key("办公室", "ZD2", "b", 1, completion="基本完成")]))
    assert found(a, "K02") == [(WARN, KEY, "L2")]
    assert a.key_task_scores[2].coefficient == Decimal(0)
    assert a.result("BGS", "2014").key == Decimal("0.5")      # 1 × 0 + 1 × 0.5


def test_k03_sum_over_cap_flags_the_row_that_passes_it():
    # seven tasks of 1.5: running sums 1.5 … 9, 10.5 — row 8 passes the cap of 10
    rows = [key("BGS", f"ZD{i}", "t", 1.5) for i in range(1, 8)]
    a = evaluate(tables(key_tasks=rows))
    assert found(a, "K03") == [(WARN, KEY, "G8")]
    assert a.result("BGS", "2014").key == Decimal(10)         # min(10.5, 10)


def test_k03_not_raised_at_the_cap():
    rows = [key("BGS", f"ZD{i}", "t", 1) for i in range(1, 11)]   # 10 × 1 = 10 = cap
    assert found(evaluate(tables(key_tasks=rows)), "K03") == []


def test_key_task_unknown_dept_is_d05():
    a = evaluate(tables(key_tasks=[key("某科", "ZD1", "t", 1)]))
    assert found(a, "D05") == [(ERR, KEY, "A2")]


# --- ballots ---------------------------------------------------------------------------

def test_b01_invalid_grade_ignores_that_cell_only():
    a = evaluate(tables(peer=[ballot("2014", 1, "人事科", {"办公室": "好", "综合科": "满意"})]))
    assert found(a, "B01") == [(ERR, PEER, "D2")]
    svc = {s.dept: s for s in a.service}
    assert svc["办公室"].peer == Decimal("0.00") and svc["办公室"].ballots == 0   # no valid ballot: 0
    assert svc["综合科"].peer == Decimal("10.00")                                  # 10 × 1


def test_b02_self_vote_ignored_rest_of_ballot_counts():
    a = evaluate(tables(peer=[ballot("2014", 1, "办公室", {"办公室": "满意", "人事科": "较满意"})]))
    assert found(a, "B02") == [(ERR, PEER, "D2")]
    svc = {s.dept: s for s in a.service}
    assert svc["办公室"].peer == Decimal("0.00")
    assert svc["人事科"].peer == Decimal("12.00")      # 15 × 0.8


def test_b03_unknown_voter_ignores_whole_ballot():
    a = evaluate(tables(peer=[ballot("2014", 1, "财务科", {"人事科": "满意"}),
                              ballot("2014", 2, None, {"人事科": "满意"})]))
    assert found(a, "B03") == [(ERR, PEER, "C2"), (ERR, PEER, "C3")]
    assert {s.dept: s for s in a.service}["人事科"].peer == Decimal("0.00")


def test_b03_unknown_section_column_on_its_header_cell():
    from engine_fixtures import NAMES
    header = ["考核期", "票号"] + NAMES + ["备注"]               # 备注 lands in column K
    a = evaluate(tables(party=[party_ballot("2014", 1, {"人事科": "满意"}) + ["随手记"]],
                        party_header=header))
    assert found(a, "B03") == [(ERR, PARTY, "K1")]
    assert {s.dept: s for s in a.service}["人事科"].party == Decimal("15.00")   # 15 × 1


def test_b03_second_column_for_the_same_section():
    from engine_fixtures import NAMES
    header = ["考核期", "票号"] + NAMES + ["RSK"]                # 人事科 again, by code, in K
    a = evaluate(tables(party=[party_ballot("2014", 1, {"人事科": "较满意"}) + ["满意"]],
                        party_header=header))
    assert found(a, "B03") == [(ERR, PARTY, "K1")]
    assert {s.dept: s for s in a.service}["人事科"].party == Decimal("12.00")   # 15 × 0.8, K ignored


def test_ballot_period_other_year_is_d06_whole_ballot_ignored():
    a = evaluate(tables(party=[party_ballot("2013", 1, {"人事科": "满意"})]))
    assert found(a, "D06") == [(ERR, PARTY, "A2")]
    assert {s.dept: s for s in a.service}["人事科"].party == Decimal("0.00")


def test_b04_external_for_a_non_business_section():
    a = evaluate(tables(external=[["2014", "办公室", 90, 90], ["2014", "综合科", 90, None]]))
    assert found(a, "B04") == [(ERR, EXT, "B2")]
    svc = {s.dept: s for s in a.service}
    assert svc["办公室"].government is None and svc["办公室"].enterprise is None
    assert svc["综合科"].government == Decimal("4.50")   # 5 × 90 / 100
    assert svc["综合科"].enterprise == Decimal("0.00")   # nothing entered: 0


@pytest.mark.parametrize("rate,bad", [(101, True), (-1, True), ("九十", True), (0, False), (100, False)])
def test_b05_rate_outside_0_100(rate, bad):
    a = evaluate(tables(external=[["2014Q2", "综合科", rate, None]]))
    assert found(a, "B05") == ([(ERR, EXT, "C2")] if bad else [])


# --- 创优加分 --------------------------------------------------------------------------

def test_c01_unknown_level():
    a = evaluate(tables(bonuses=[["2014", "办公室", "获奖", "区级", 1, None]]))
    assert found(a, "C01") == [(ERR, BONUS, "D2")]
    assert a.result("BGS", "2014").excellence == Decimal(0)


def test_c02_points_differ_from_level():
    a = evaluate(tables(bonuses=[["2014", "办公室", "获奖", "省级", 1.5, None],
                                 ["2014Q3", "办公室", "获奖2", "市级", 1, None]]))
    assert found(a, "C02") == [(ERR, BONUS, "E2")]
    assert a.result("BGS", "2014").excellence == Decimal(1)    # only the 市级 row: 1


# --- A01 -----------------------------------------------------------------------------

def test_a01_draft_indicator_used_once_per_indicator():
    from engine_fixtures import indicator_rows
    inds = indicator_rows()
    inds[0][-1] = "草拟"        # row 2: BGS LZ01
    inds[3][-1] = "草拟"        # row 5: RSK GL01, never used
    a = evaluate(tables(indicators=inds, deductions=[good("R1"), good("R2", reason="另一")]))
    assert found(a, "A01") == [(WARN, IND, "K2")]
    assert bgs_year_duty(a) == Decimal(39)        # warnings count: 40 − 0.5 − 0.5


def test_a01_draft_key_task_still_scores():
    a = evaluate(tables(key_tasks=[key("办公室", "ZD1", "a", 1, approval="草拟")]))
    assert found(a, "A01") == [(WARN, KEY, "K2")]
    assert a.result("BGS", "2014").key == Decimal(1)


# --- order and messages -----------------------------------------------------------------

def test_findings_sorted_by_sheet_order_then_row_and_messages_in_chinese():
    a = evaluate(tables(
        bonuses=[["2014", "办公室", "x", "区级", 1, None]],
        deductions=[good("R1"), good("R2", points=Decimal("0.05"), dept="财务科")],
        key_tasks=[key("办公室", "ZD1", "a", 3)]))
    assert [(f.sheet, f.cell, f.rule) for f in a.findings] == [
        (KEY, "G2", "K01"), (DED, "D3", "D05"), (DED, "I3", "D01"), (BONUS, "D2", "C01")]
    d01 = a.findings[2]
    assert d01.message.startswith("扣分须为0.1的正整数倍:扣分“0.05”")
    assert "请填写大于0、以0.1分为单位的扣分" in d01.message
    assert d01.link == "'扣分记录'!I3"
