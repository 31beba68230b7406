"""A clerk's own columns (SPEC 5: "kept and ignored"): a row holding only a
remark there is not a data row.
Each test states the SPEC rule it checks; expected numbers are worked by
hand in the comments. Fixture layout: tests/engine_fixtures.py.
"""
from decimal import Decimal

from engine_fixtures import DED, ERR, STANDARDS, found, good, tables, with_sheet
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate

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
