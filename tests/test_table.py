import datetime as dt
from decimal import Decimal

import pytest

from lyciq_xl.errors import InputError
from lyciq_xl.table import as_date, as_decimal, as_text, cell_address, table_from_grid


def test_cell_address_letters():
    assert cell_address(7, 8) == "I7"
    assert cell_address(1, 25) == "Z1"
    assert cell_address(2, 26) == "AA2"
    assert cell_address(3, 701) == "ZZ3"
    assert cell_address(3, 702) == "AAA3"


def test_floats_become_exact_decimals():
    t = table_from_grid("S", [["a", "b", "c"], [0.1, 3.0, 0.30000000000000004]])
    row = t.rows[0]
    assert row["a"] == Decimal("0.1")
    assert row["b"] == Decimal("3")
    # Excel's formula result for =0.1+0.2: Excel shows 15 significant digits,
    # 0.3, and SPEC section 4 says 0.1+0.2 is 0.3 (engine review)
    assert row["c"] == Decimal("0.3")


def test_headers_found_by_text_extra_and_blank_rows():
    grid = [[" 扣分 ", "我的备注", "科室"], ["", "", ""], [0.5, "x", " 办公室 "]]
    t = table_from_grid("扣分记录", grid, required=["科室", "扣分"])
    assert len(t.rows) == 1
    assert t.rows[0].number == 3
    assert t.rows[0]["科室"] == "办公室"
    assert t.address(t.rows[0], "扣分") == "A3"
    assert t.extra_columns(["扣分", "科室"]) == ["我的备注"]


def test_missing_required_column_is_named():
    with pytest.raises(InputError, match="扣分记录.*“扣分”"):
        table_from_grid("扣分记录", [["科室"]], required=["科室", "扣分"])


def test_text_numbers_and_dates():
    assert as_decimal("０.５") == Decimal("0.5")
    assert as_decimal(" 1.5 ") == Decimal("1.5")
    assert as_decimal("一分") is None
    assert as_text(Decimal("101")) == "101"
    assert as_date("2014年3月5日") == dt.date(2014, 3, 5)
    assert as_date("2014/13/5") is None
