"""得分率 typed the Excel way (issue 8 defect 3, engine side): "96%" as text
is 96; a bare number in (0, 1] is a warning (B06) naming the cell and still
scored as typed. (A percent-FORMATTED cell is the reader's business: it
arrives as 72, see the reader's tests.)"""
from __future__ import annotations

from decimal import Decimal

import pytest

from lyciq_xl.engine import evaluate
from lyciq_xl.table import as_rate
from tests.engine_fixtures import found, tables

ERR, WARN, EXT = "错误", "警告", "外部评价"


def _zhk(a):
    return {r.dept: r for r in a.service}["综合科"]


@pytest.mark.parametrize("typed", ["96%", "96 %", "９６％", " 96% "])
def test_percent_text_is_the_rate(typed):
    assert as_rate(typed) == Decimal(96)
    a = evaluate(tables(external=[["2014", "ZHK", typed, "90.5%"]]))
    assert found(a, "B05") == [] and found(a, "B06") == []
    assert _zhk(a).government == Decimal("4.80")     # 5 × 96 / 100
    assert _zhk(a).enterprise == Decimal("4.53")     # 5 × 90.5 / 100 = 4.525 → 4.53


@pytest.mark.parametrize("typed", ["96%%", "%96", "百分之九十六", "101%", "-1%"])
def test_what_is_still_no_rate(typed):
    a = evaluate(tables(external=[["2014", "ZHK", typed, None]]))
    assert found(a, "B05") == [("错误", EXT, "C2")]


@pytest.mark.parametrize("typed, shown", [(Decimal("0.72"), "0.72"), (1, "1"), ("0.5", "0.5")])
def test_a_fraction_is_a_warning_naming_the_cell(typed, shown):
    a = evaluate(tables(external=[["2014", "ZHK", 90, typed]]))
    assert found(a, "B06") == [(WARN, EXT, "D2")] and found(a, "B05") == []
    message = next(f.message for f in a.findings if f.rule == "B06")
    assert message.startswith(f"得分率在0到1之间,可能把百分比写成了小数:企业评价得分率“{shown}”")
    percent = {"0.72": "72", "1": "100", "0.5": "50"}[shown]
    assert f"若指{percent}%,请填写{percent}" in message
    # a warning: still counted as typed
    expected = {"0.72": Decimal("0.04"),   # 5 × 0.72 / 100 = 0.036 → 0.04
                "1": Decimal("0.05"),      # 5 × 1 / 100
                "0.5": Decimal("0.03")}    # 5 × 0.5 / 100 = 0.025 → 0.03
    assert _zhk(a).enterprise == expected[shown]


@pytest.mark.parametrize("typed", [0, Decimal("1.5"), 72, 100])
def test_zero_and_real_rates_raise_no_warning(typed):
    a = evaluate(tables(external=[["2014", "ZHK", typed, None]]))
    assert found(a, "B06") == [] and found(a, "B05") == []
