"""Individual sheets (SPEC section 8) as Tables, added to engine_fixtures'
minimal master. Tests pass the rows they need; expectations are worked out
by hand in the tests."""
from __future__ import annotations

from engine_fixtures import tables as master_tables
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.table import table_from_grid


def person(pid, name, dept, status=None, start=None, end=None, post="科员", rank="科员"):
    """One 人员 row in contract column order."""
    return [pid, name, dept, post, rank, status, start, end]


def pind(dept, who, iid, section_indicator="LZ01", approval="已审核", name="岗位职责"):
    """One 个人指标 row in contract column order."""
    return [dept, who, iid, name, section_indicator, None, None, approval]


def rec(month, who, iid, kind, points, reason="事由", status="有效"):
    """One 个人扣加分 row in contract column order (记录人 blank)."""
    return [month, who, iid, kind, points, reason, None, status]


def rev(month, who, grade=None, comment=None):
    """One 个人月度评定 row (考核人 blank)."""
    return [month, who, grade, comment, None]


def annual(year, who, decided=None, note=None):
    return [year, who, decided, note]


def own_indicators(staff_rows) -> list[list]:
    """One approved indicator <人员编号>-1 per person, under the section's LZ01."""
    return [pind(r[2], r[0], f"{r[0]}-1") for r in staff_rows]


def tables(staff=(), indicators=None, records=(), monthly=(), yearly=(), params=(),
           **master):
    out = master_tables(params=params, **master)
    staff = list(staff)
    grids = {
        c.Staff: staff,
        c.PersonalIndicators: own_indicators(staff) if indicators is None else list(indicators),
        c.PersonalRecords: list(records),
        c.MonthlyReviews: list(monthly),
        c.AnnualReviews: list(yearly),
    }
    for spec, rows in grids.items():
        out[spec.SHEET] = table_from_grid(spec.SHEET, [list(spec.COLUMNS)] + rows, spec.REQUIRED)
    return out


def assess(**kwargs):
    return evaluate(tables(**kwargs))


def found(assessment, rule: str) -> list[tuple[str, str, str]]:
    """(level, sheet, cell) of every finding of `rule`."""
    return [(f.level, f.sheet, f.cell) for f in assessment.findings if f.rule == rule]


def rows_of(assessment, pid: str) -> list[list]:
    """个人考核结果 rows of one person, as written."""
    from lyciq_xl.engine.individual.sheets import personal_results_rows
    return [r for r in personal_results_rows(assessment.individual) if r[1] == pid]
