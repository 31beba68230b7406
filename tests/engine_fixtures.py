"""A minimal valid master workbook as Tables, built in memory for engine tests.

Year 2014, the 8 default sections and framework, three deduction standards
and two approved indicators per section (LZ01 履职, GL01 管理). Tests pass the
data rows they need; every expectation is worked out by hand in the test.

Fixture layout, data rows from Excel row 2:
扣分记录  A 记录号 B 考核期 C 日期 D 科室 E 绩效类别 F 指标编号 G 标准编号 H 事由 I 扣分 … L 状态
重点指标  A 科室 B 指标编号 … G 分值 … K 审核状态 L 完成情况
相互评价  A 考核期 B 票号 C 投票科室 D 办公室 E 人事科 F 综合科 … K 保健中心
党组评价  A 考核期 B 票号 C 办公室 D 人事科 …
外部评价  A 考核期 B 科室 C 地方政府评价 D 企业评价
创优加分  A 考核期 B 科室 C 事项 D 级别 E 加分
履职管理指标 K 审核状态; rows: 2 BGS LZ01, 3 BGS GL01, 4 RSK LZ01, 5 RSK GL01 …
Standards: BJ-1 本局 [0.1, 2] 履职+管理; F4-1 附件4 [0.5, 1] 履职; F5-1 附件5 重大 [1, 5]
履职、管理 (separator 、); F5-2 附件5 一般 [0.5, 1] 管理.
Default framework: 行政管理/直属 履职 40 管理 30; 业务管理 履职 45 管理 25, 地方政府评价 5.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lyciq_xl import contract as c
from lyciq_xl.table import table_from_grid

YEAR = 2014
# shorthands the engine test modules share: finding levels, sheet names, dates
ERR, WARN = "错误", "警告"
DED, KEY, PEER, PARTY = "扣分记录", "重点指标", "相互评价", "党组评价"
EXT, BONUS, IND = "外部评价", "创优加分", "履职管理指标"
D = dt.date
NAMES = [name for _, name, _ in c.DEFAULT_SECTIONS]

PARAMS = [
    ["单位名称", "辽阳局"], ["年度", YEAR],
    ["完成系数:完成", 1], ["完成系数:基本完成", 0.5], ["完成系数:未完成", 0],
    ["评价:满意", 1], ["评价:较满意", 0.8], ["评价:基本满意", 0.6], ["评价:不满意", 0],
    ["互评去掉最高最低分", "否"],
    ["创优:国家级", 3], ["创优:省级", 2], ["创优:市级", 1], ["创优:局级", 0.5],
    ["优秀名额:行政管理科室", 1], ["优秀名额:业务管理科室", 1], ["优秀名额:直属单位", 1],
    ["不合格分数线", 60],
]

# 标准编号, 来源, 类别, 等级, 情形, 最低扣分, 最高扣分, 适用绩效类别
STANDARDS = [
    ["BJ-1", "本局", "指标", "一般", "未按时完成", 0.1, 2, "履职绩效,管理绩效"],
    ["F4-1", "附件4", "差错", "一般", "业务差错", 0.5, 1, "履职绩效"],
    ["F5-1", "附件5", "事故", "重大", "重大责任事故", 1, 5, "履职绩效、管理绩效"],
    ["F5-2", "附件5", "事故", "一般", "一般责任事故", 0.5, 1, "管理绩效"],
]


def indicator_rows(approval: str = "已审核") -> list[list]:
    rows = []
    for code, name, _ in c.DEFAULT_SECTIONS:
        rows.append([name, "履职绩效", "LZ01", f"{name}主体工作", *[None] * 6, approval])
        rows.append([code, "管理绩效", "GL01", f"{name}管理工作", *[None] * 6, approval])
    return rows


def ded(no, period, date, dept, category, indicator, standard, reason, points, status="有效"):
    """One 扣分记录 row in contract column order (考核责任部门, 依据文号 blank)."""
    return [no, period, date, dept, category, indicator, standard, reason, points, None, None, status]


def good(no="R1", period="2014Q1", date=dt.date(2014, 2, 10), dept="办公室", category="履职绩效",
         indicator="LZ01", standard="BJ-1", reason=None, points=Decimal("0.5"), status="有效"):
    """A deduction that breaks no rule (办公室 2014Q1, 0.5 point), to vary one
    field of; its 事由 names its record unless given (two records of one
    科室, 标准 and day with the same 事由 are a suspected double deduction)."""
    return ded(no, period, date, dept, category, indicator, standard, reason or f"事由{no}",
               points, status)


def with_sheet(t, spec, grid):
    """`t` with sheet `spec` replaced by `grid` (header row first)."""
    t[spec.SHEET] = table_from_grid(spec.SHEET, grid, spec.REQUIRED)
    return t


def key(dept, kid, task, points, approval="已审核", completion="完成"):
    """One 重点指标 row in contract column order."""
    return [dept, kid, task, None, None, None, points, None, None, None, approval, completion]


def tables(deductions=(), key_tasks=(), peer=(), party=(), external=(), bonuses=(),
           params=(), indicators=None, peer_header=None, party_header=None):
    """dict[sheet -> Table] as read_tables returns it."""
    grids = {
        c.Params: [list(c.Params.REQUIRED)] + [list(p) for p in PARAMS] + [list(p) for p in params],
        c.Sections: [list(c.Sections.REQUIRED)] + [list(s) for s in c.DEFAULT_SECTIONS],
        c.Framework: [list(c.Framework.REQUIRED)] + [list(f) for f in c.DEFAULT_FRAMEWORK],
        c.Indicators: [list(c.Indicators.COLUMNS)] + (indicator_rows() if indicators is None else indicators),
        c.KeyTasks: [list(c.KeyTasks.COLUMNS)] + list(key_tasks),
        c.Standards: [list(c.Standards.COLUMNS)] + STANDARDS,
        c.Deductions: [list(c.Deductions.COLUMNS)] + list(deductions),
        c.PeerBallots: [peer_header or list(c.PeerBallots.COLUMNS) + NAMES] + list(peer),
        c.PartyBallots: [party_header or list(c.PartyBallots.COLUMNS) + NAMES] + list(party),
        c.External: [list(c.External.COLUMNS)] + list(external),
        c.Bonuses: [list(c.Bonuses.COLUMNS)] + list(bonuses),
    }
    return {spec.SHEET: table_from_grid(spec.SHEET, grid, spec.REQUIRED) for spec, grid in grids.items()}


def ballot(period, no, voter, grades: dict[str, str]):
    """A 相互评价 row: grades keyed by section name, other cells blank."""
    return [period, no, voter] + [grades.get(n) for n in NAMES]


def party_ballot(period, no, grades: dict[str, str]):
    return [period, no] + [grades.get(n) for n in NAMES]


def found(assessment, rule: str) -> list[tuple[str, str, str]]:
    """(level, sheet, cell) of every finding of `rule`."""
    return [(f.level, f.sheet, f.cell) for f in assessment.findings if f.rule == rule]


def bgs_year_duty(assessment):
    """办公室's 履职 score for the year 2014."""
    return assessment.result("BGS", "2014").duty
