"""Appeals (申诉记录, SPEC section 10): decided appeals change what a deduction
counts without editing 扣分记录; rules E01–E07 name their cells.

Sections with no key tasks, ballots or bonuses: the annual total is
履职 + 管理 only (行政管理科室 base 40 + 30 = 70).
"""
from __future__ import annotations

from decimal import Decimal as D

from engine_fixtures import ded, found, tables
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate, owned_sheets
from lyciq_xl.table import table_from_grid

# R1 BGS Q1 管理 0.5 (BJ-1 [0.1, 2]); R2 BGS Q2 履职 3 (F5-1 附件5 重大 [1, 5]);
# R3 RSK Q1 履职 1 (F4-1 [0.5, 1]); R4 RSK 撤销 in 扣分记录.
R1 = ded("R1", "2014Q1", "2014-02-10", "办公室", "管理绩效", "GL01", "BJ-1", "迟报", 0.5)
R2 = ded("R2", "2014Q2", "2014-05-10", "BGS", "履职绩效", "LZ01", "F5-1", "重大事故", 3)
R3 = ded("R3", "2014Q1", "2014-03-01", "人事科", "履职绩效", "LZ01", "F4-1", "差错", 1)
R4 = ded("R4", "2014Q1", "2014-03-02", "人事科", "履职绩效", "LZ01", "F4-1", "另一差错", 1, status="撤销")
DEDUCTIONS = [R1, R2, R3, R4]


def appeal(no, dept, record, date, decision, adjusted=None, standard=None, decided=None,
           basis="局务会纪要〔2014〕5号"):
    """One 申诉记录 row in contract column order (申诉理由 filled)."""
    return [no, dept, record, date, "理由", decision, adjusted, standard, decided, basis]


def assess(appeals=None, deductions=DEDUCTIONS, letters=None):
    t = tables(deductions=deductions)
    if appeals is not None:
        t[c.Appeals.SHEET] = table_from_grid(c.Appeals.SHEET, [list(c.Appeals.COLUMNS)] + appeals,
                                             c.Appeals.REQUIRED)
    if letters is not None:
        t[c.FeedbackLog.SHEET] = table_from_grid(c.FeedbackLog.SHEET, [list(c.FeedbackLog.COLUMNS)] + letters,
                                                 c.FeedbackLog.REQUIRED)
    return evaluate(t)


def total(a, code, period="2014"):
    return a.result(code, period).total


def test_no_appeal_sheet_scores_as_before():
    a = assess()
    # BGS 40-3 + 30-0.5 = 66.5; RSK 40-1 + 30 = 69 (R4 撤销 in 扣分记录)
    assert (total(a, "BGS"), total(a, "RSK")) == (D("66.5"), D("69"))
    assert total(a, "BGS", "2014Q1") == D("69.5")      # 40 + 30-0.5
    assert [s.name for s in owned_sheets(a)] == [c.Results.SHEET, c.ServiceDetail.SHEET, c.Findings.SHEET]
    assert a.appeals == []


def test_revoked_appeal_raises_the_total_by_that_deduction():
    a = assess([appeal("SS-1", "办公室", "R1", "2014-04-05", "撤销", decided="2014-04-20")])
    # 66.5 + 0.5 = 67.0; Q1 69.5 + 0.5 = 70
    assert total(a, "BGS") == D("67.0")
    assert total(a, "BGS", "2014Q1") == D("70")
    assert not a.findings
    audit = owned_sheets(a)[-1]
    assert audit.name == c.AppealAudit.SHEET
    # 申诉编号, 科室, 记录号, 原扣分, 处理结果, 计入扣分, 依据, 说明
    assert audit.rows == [["SS-1", "办公室", "R1", D("0.5"), "撤销", D(0), "局务会纪要〔2014〕5号", "已生效"]]


def test_adjusted_appeal_raises_the_total_by_the_difference():
    a = assess([appeal("SS-2", "RSK", "R3", "2014-04-05", "调整", adjusted=0.6, decided="2014-04-20")])
    # 69 + (1 - 0.6) = 69.4
    assert total(a, "RSK") == D("69.4")
    assert a.details["RSK"].deductions[0].points == D("0.6")
    text = a.explain("人事科").text()
    assert "扣分 0.6(原扣分 1,经申诉调整)" in text
    assert "申诉编号 SS-2 | 记录号 R3 | 原扣分 1 | 处理结果 调整(2014-04-20) | 计入扣分 0.6" in text


def test_pending_and_upheld_change_nothing():
    a = assess([appeal("SS-3", "BGS", "R1", "2014-04-05", "维持", decided="2014-04-20"),
                appeal("SS-4", "RSK", "R3", "2014-04-05", None, basis=None)])
    assert (total(a, "BGS"), total(a, "RSK")) == (D("66.5"), D("69"))
    # blank 处理结果 is 待处理: E04 on its cell (column F), and no E07 (not decided)
    assert found(a, "E04") == [("警告", "申诉记录", "F3")]
    assert found(a, "E07") == []


def test_latest_decision_wins_whatever_the_row_order():
    later_upheld = [appeal("SS-5", "BGS", "R1", "2014-04-05", "撤销", decided="2014-05-01"),
                    appeal("SS-6", "BGS", "R1", "2014-05-05", "维持", decided="2014-06-01")]
    assert total(assess(later_upheld), "BGS") == D("66.5")
    later_revoked = [appeal("SS-5", "BGS", "R1", "2014-04-05", "撤销", decided="2014-07-01"),
                     appeal("SS-6", "BGS", "R1", "2014-05-05", "维持", decided="2014-06-01")]
    a = assess(later_revoked)
    assert total(a, "BGS") == D("67.0")               # 66.5 + 0.5
    notes = [row[-1] for row in owned_sheets(a)[-1].rows]
    assert notes == ["已生效", "以申诉“SS-5”(第2行)的处理为准"]


def test_an_appeal_never_brings_back_a_revoked_deduction():
    a = assess([appeal("SS-7", "RSK", "R4", "2014-04-05", "调整", adjusted=0.5, decided="2014-04-20")])
    assert total(a, "RSK") == D("69")
    assert not a.findings


# --- the 重大 veto follows the standard in force ------------------------------------------

# R2 BGS 3 under F5-1 (附件5 重大); R5 RSK 2 under BJ-1. BGS 40-3+30 = 67, RSK 40-2+30 = 68.
R5 = ded("R5", "2014Q1", "2014-03-01", "RSK", "履职绩效", "LZ01", "BJ-1", "未按时完成", 2)


def test_revoking_a_grave_deduction_lifts_the_veto():
    a = assess([appeal("SS-8", "BGS", "R2", "2014-06-01", "撤销", decided="2014-06-20")], [R2, R5])
    # BGS 67 + 3 = 70 > RSK 68: rank 1, no 重大 left -> 优秀 (quota 1)
    r = a.result("BGS", "2014")
    assert (r.total, r.rank, r.grade) == (D("70"), 1, "优秀")


def test_adjusting_within_the_grave_standard_keeps_the_veto():
    a = assess([appeal("SS-9", "BGS", "R2", "2014-06-01", "调整", adjusted=1, decided="2014-06-20")],
               [R2, R5])
    # BGS 40-1+30 = 69 > 68, rank 1, but still F5-1 重大 -> 合格
    r = a.result("BGS", "2014")
    assert (r.total, r.rank, r.grade) == (D("69"), 1, "合格")


def test_reclassifying_to_a_minor_standard_lifts_the_veto():
    a = assess([appeal("SS-10", "BGS", "R2", "2014-06-01", "调整", adjusted=1, standard="BJ-1",
                       decided="2014-06-20")], [R2, R5])
    r = a.result("BGS", "2014")
    assert (r.total, r.rank, r.grade) == (D("69"), 1, "优秀")
    assert "(原扣分 3、原标准编号 F5-1,经申诉调整)" in a.explain("BGS").text()


def test_pending_appeal_on_a_grave_deduction_makes_the_grade_pending():
    a = assess([appeal("SS-11", "BGS", "R2", "2014-06-01", "待处理", basis=None)], [R2, R5])
    assert a.result("BGS", "2014").grade == "待定"
    assert a.result("RSK", "2014").grade == "优秀"     # 68 > 67, rank 1
    assert "申诉SS-11尚待处理,等次待定" in a.explain("BGS").text()
    # on a minor deduction a pending appeal leaves the grade alone
    a = assess([appeal("SS-12", "RSK", "R5", "2014-04-01", "待处理")], [R2, R5])
    assert a.result("RSK", "2014").grade == "优秀"


# --- the rules, each on its cell ---------------------------------------------------------
# 申诉记录 columns: A 申诉编号, B 科室, C 记录号, D 申诉日期, E 申诉理由, F 处理结果,
# G 调整后扣分, H 调整后标准编号, I 处理日期, J 依据. Data rows start at 2.

def test_e01_unknown_record_and_another_sections_record():
    a = assess([appeal("SS-1", "BGS", "X-999", "2014-04-05", "撤销"),
                appeal("SS-2", "人事科", "R1", "2014-04-05", "撤销")])
    assert found(a, "E01") == [("错误", "申诉记录", "C2"), ("错误", "申诉记录", "C3")]
    assert "是办公室的扣分,不属于人事科" in a.findings[1].message
    assert total(a, "BGS") == D("66.5")          # R1 still counts


def test_e02_bad_adjusted_points_keeps_the_original():
    a = assess([appeal("SS-1", "BGS", "R1", "2014-04-05", "调整", adjusted=0.25),
                appeal("SS-2", "RSK", "R3", "2014-04-05", "调整", adjusted=0.3),    # F4-1 is [0.5, 1]
                appeal("SS-3", "BGS", "R2", "2014-06-05", "调整")])                 # no 调整后扣分
    assert found(a, "E02") == [("错误", "申诉记录", "G2"), ("错误", "申诉记录", "G3"),
                               ("错误", "申诉记录", "G4")]
    assert (total(a, "BGS"), total(a, "RSK")) == (D("66.5"), D("69"))


def test_e03_appeal_after_the_deadline():
    letters = [["办公室", "2014Q1", "2014-04-03", "办公室_2014Q1_考核结果反馈单.xlsx"],
               ["办公室", "2014", "2015-01-10", "办公室_2014_考核结果反馈单.xlsx"]]
    a = assess([appeal("SS-1", "BGS", "R1", "2014-04-18", "维持"),     # 15 days: in time
                appeal("SS-2", "BGS", "R1", "2014-04-19", "维持"),     # 16 days: late
                # Q2 had no letter: 10 days after the annual one
                appeal("SS-3", "BGS", "R2", "2015-01-20", "维持")],
               letters=letters)
    assert found(a, "E03") == [("警告", "申诉记录", "D3")]
    assert "距反馈单发出日期“2014-04-03”16天,超过15天" in a.findings[0].message


def test_e03_follows_the_appeal_days_parameter():
    letters = [["BGS", "2014Q1", "2014-04-03", "f.xlsx"]]
    t = tables(deductions=DEDUCTIONS, params=[["申诉期限天数", 30]])
    t[c.Appeals.SHEET] = table_from_grid(c.Appeals.SHEET, [list(c.Appeals.COLUMNS)]
                                         + [appeal("SS-1", "BGS", "R1", "2014-04-19", "维持")],
                                         c.Appeals.REQUIRED)
    t[c.FeedbackLog.SHEET] = table_from_grid(c.FeedbackLog.SHEET, [list(c.FeedbackLog.COLUMNS)] + letters,
                                             c.FeedbackLog.REQUIRED)
    assert found(evaluate(t), "E03") == []


def test_e05_unknown_decision_e06_raise_e07_no_basis():
    a = assess([appeal("SS-1", "BGS", "R1", "2014-04-05", "驳回"),
                appeal("SS-2", "BGS", "R1", "2014-04-05", "调整", adjusted=0.8),     # above 0.5
                appeal("SS-3", "RSK", "R3", "2014-04-05", "撤销", basis=None)])
    assert found(a, "E05") == [("错误", "申诉记录", "F2")]
    assert found(a, "E06") == [("错误", "申诉记录", "G3")]
    assert found(a, "E07") == [("警告", "申诉记录", "J4")]
    # E07 is a warning: the 撤销 counts; RSK 69 + 1 = 70
    assert (total(a, "BGS"), total(a, "RSK")) == (D("66.5"), D("70"))


def test_reclassification_validated_like_d02_d04_and_unknown_section_d05():
    a = assess([appeal("SS-1", "BGS", "R1", "2014-04-05", "调整", adjusted=0.3, standard="NOPE"),
                appeal("SS-2", "BGS", "R1", "2014-04-05", "调整", adjusted=0.5, standard="F4-1"),  # 履职 only
                appeal("SS-3", "财务科", "R1", "2014-04-05", "撤销")])
    assert found(a, "D02") == [("错误", "申诉记录", "H2")]
    assert found(a, "D04") == [("错误", "申诉记录", "H3")]
    assert found(a, "D05") == [("错误", "申诉记录", "B4")]
    assert total(a, "BGS") == D("66.5")


def test_every_e_rule_has_a_chinese_title_and_fix():
    for code in ("E01", "E02", "E03", "E04", "E05", "E06", "E07"):
        rule = c.RULES[code]
        assert rule.title and rule.fix and rule.level in ("错误", "警告")


def test_adjusting_a_row_left_out_for_its_standard_or_points_changes_nothing():
    """调整 on a 扣分记录 row that is not counted — its 标准编号 unknown (D02) or
    its 扣分 blank (D01) — raises nothing and changes nothing (an appeal never
    brings a deduction back); it used to stop the run with a traceback
    (no standard to check 调整后扣分 against, no original to compare it with)."""
    unknown = ded("R5", "2014Q1", "2014-03-03", "人事科", "履职绩效", "LZ01", "XX-9", "差错", 1)
    blank = ded("R6", "2014Q1", "2014-03-04", "人事科", "履职绩效", "LZ01", "F4-1", "差错", None)
    a = assess([appeal("SS-9", "人事科", "R5", "2014-04-05", "调整", adjusted=0.5, decided="2014-04-20"),
                appeal("SS-10", "人事科", "R6", "2014-04-05", "调整", adjusted=0.5, decided="2014-04-20")],
               deductions=DEDUCTIONS + [unknown, blank])
    # RSK 40-1 + 30 = 69, as without the appeals (R5, R6 left out: D02, D01)
    assert total(a, "RSK") == D("69")
    assert found(a, "D02") == [("错误", "扣分记录", "G6")]
    assert found(a, "D01") == [("错误", "扣分记录", "I7")]
    assert [r for f in a.findings if f.sheet == c.Appeals.SHEET for r in [f.rule]] == []
    assert [o.note for o in a.appeals] == ["“扣分记录”第6行未计分(已撤销或有错误),申诉不改变",
                                           "“扣分记录”第7行未计分(已撤销或有错误),申诉不改变"]
