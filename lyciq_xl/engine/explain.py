"""Why a section got its score: the derivation, category by category, so the
performance office can answer an appeal (`lyciq-xl explain`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from lyciq_xl.contract import SELF_COMPLETION, Category, KeyTasks
from lyciq_xl.engine.assessors import special_name
from lyciq_xl.engine.findings import Finding
from lyciq_xl.engine.records import Bonus, CountedDeduction, Deduction, KeyTask
from lyciq_xl.engine.scoring import BallotItem, KeyTaskScore, RateItem, ResultRow
from lyciq_xl.errors import InputError
from lyciq_xl.model import Period, Section
from lyciq_xl.table import Table, as_text

if TYPE_CHECKING:
    from lyciq_xl.engine.appeals import AppealOutcome
    from lyciq_xl.engine.assessment import Assessment


@dataclass
class Explanation:
    section: Section
    period: str
    result: ResultRow
    base: dict[str, Decimal]                                  # 履职/管理 base points
    deductions: dict[str, list[CountedDeduction]]             # category -> counted rows
    is_year: bool
    key_tasks: list[tuple[KeyTask, KeyTaskScore]] = field(default_factory=list)
    key_sum: Decimal = Decimal(0)
    key_cap: Decimal = Decimal(0)
    service: dict[str, BallotItem | RateItem] = field(default_factory=dict)
    bonuses: list[Bonus] = field(default_factory=list)
    bonus_sum: Decimal = Decimal(0)
    bonus_cap: Decimal = Decimal(0)
    grave: list[CountedDeduction] = field(default_factory=list)
    excluded: list[Finding] = field(default_factory=list)     # errors on rows left out
    # appeals on this period's deductions: every 申诉记录 row, the rows as typed
    # before a 调整, and the deductions an appeal 撤销ed
    appeals: list[AppealOutcome] = field(default_factory=list)
    original: dict[int, CountedDeduction] = field(default_factory=dict)
    revoked: list[tuple[CountedDeduction, AppealOutcome]] = field(default_factory=list)
    grave_pending: list[AppealOutcome] = field(default_factory=list)
    # 重点指标 row -> the section's 自评完成情况, shown beside the assessing
    # department's 完成情况 (SPEC 9); not scored
    self_assessed: dict[int, str] = field(default_factory=dict)

    def text(self) -> str:
        return render_explanation(self)


def explain(assessment: Assessment, dept: str, period: str | None = None) -> Explanation:
    section = assessment.sections.resolve(dept)
    if section is None:
        raise InputError(f"科室“{dept}”不存在,请填写“科室”表中的科室名称或科室代码。")
    wanted = Period.parse(period) if period else Period(assessment.settings.year)
    if wanted is None:
        raise InputError(f"考核期“{period}”格式不正确,请填写季度如 {assessment.settings.year}Q3"
                         f"(Q1–Q4)或年度如 {assessment.settings.year}。")
    if wanted not in assessment.periods:
        shown = "、".join(str(p) for p in assessment.periods)
        raise InputError(f"考核期“{period}”没有考核结果,可选:{shown}。")
    detail = assessment.details[section.code]
    quarter = wanted.quarter
    result = assessment.result(section.code, str(wanted))
    assert result is not None, "every section has a result row in every period of the assessment"
    where = {(s, r) for s, r, q in detail.excluded if wanted.is_year or q == wanted}
    excluded = [f for f in assessment.findings if f.is_error and (f.sheet, f.row) in where]
    e = Explanation(section, str(wanted), result, detail.base,
                    {c: detail.deducted(c, quarter) for c in Category.DEDUCTIBLE},
                    wanted.is_year, excluded=excluded)
    def in_period(d: Deduction | None) -> bool:
        return d is not None and d.period is not None and (wanted.is_year or d.period.quarter == quarter)
    e.appeals = [o for o in detail.appeals
                 if in_period(o.deduction) or (o.deduction is None and wanted.is_year)]
    e.original = detail.original
    e.revoked = [(d, o) for d, o in detail.revoked if in_period(d)]
    if wanted.is_year:
        e.key_tasks, e.key_sum, e.key_cap = detail.key_tasks, detail.key_sum, detail.key_cap
        e.self_assessed = _self_assessed(assessment.inputs.tables.get(KeyTasks.SHEET))
        e.service = detail.service
        e.bonuses, e.bonus_sum, e.bonus_cap = detail.bonuses, detail.bonus_sum, detail.bonus_cap
        e.grave = detail.grave
        e.grave_pending = detail.grave_pending
    return e


def _self_assessed(table: Table | None) -> dict[int, str]:
    if table is None or SELF_COMPLETION not in table.columns:
        return {}
    return {r.number: text for r in table.rows if (text := as_text(r[SELF_COMPLETION]))}


def completion_shown(e: Explanation, k: KeyTask) -> str:
    """完成情况 as explained: the assessing department's, and the section's own
    self-assessment beside it when there is one."""
    done = k.completion or "未填"
    mine = e.self_assessed.get(k.row)
    return f"{done},自评:{mine}" if mine else done


# --- text rendering (Chinese) ---------------------------------------------------------------

def _n(value: Decimal | None) -> str:
    text = as_text(value)        # None only for None
    return "—" if text is None else text


def _deduction_lines(e: Explanation, category: str, score: Decimal) -> list[str]:
    rows = e.deductions[category]
    spent = sum((d.points for d in rows), Decimal(0))
    lines = [f"【{category}】扣分制:基础分 {_n(e.base[category])} − 扣分合计 {_n(spent)}"
             f" = {_n(score)}(扣分不设下限)"]
    ordinary = [d for d in rows if special_name(d) is None]
    lines += [_deduction_line(e, d, "  ") for d in ordinary]
    for name, group in _by_special(rows).items():     # 专项考核, under their 专项名称 (SPEC 9)
        spent_here = sum((d.points for d in group), Decimal(0))
        lines.append(f"  专项考核「{name}」:扣分 {_n(spent_here)}")
        lines += [_deduction_line(e, d, "    ") for d in group]
    if not rows:
        lines.append("  (本期无有效扣分)")
    for d, o in e.revoked:
        if d.category == category:
            lines.append(f"  记录号 {d.record_no or '(空)'} | 第{d.row}行 | {d.period}"
                         f" | 标准编号 {d.standard_id}"
                         f" | 原扣分 {_n(d.points)},经申诉{o.appeal.appeal_no or ''}撤销,不计入"
                         f" | 事由:{d.reason or ''}")
    return lines


def _deduction_line(e: Explanation, d: CountedDeduction, indent: str) -> str:
    return (f"{indent}记录号 {d.record_no or '(空)'} | 第{d.row}行 | {d.period} | 标准编号 {d.standard_id}"
            f" | 扣分 {_n(d.points)}{_adjusted(e, d)} | 事由:{d.reason or ''}")


def _by_special(rows: list[CountedDeduction]) -> dict[str, list[CountedDeduction]]:
    groups: dict[str, list[CountedDeduction]] = {}
    for d in rows:
        name = special_name(d)
        if name is not None:
            groups.setdefault(name, []).append(d)
    return groups


def _adjusted(e: Explanation, d: CountedDeduction) -> str:
    """A deduction counted at an appeal's 调整后扣分: the original beside it."""
    before = e.original.get(d.row)
    if before is None:
        return ""
    moved = f"、原标准编号 {before.standard_id}" if before.standard_id != d.standard_id else ""
    return f"(原扣分 {_n(before.points)}{moved},经申诉调整)"


def appeal_line(o: AppealOutcome) -> str:
    """One 申诉记录 row: the original deduction and the decision."""
    a, d = o.appeal, o.deduction
    decided = f"({a.decided.isoformat()})" if a.decided else ""
    original = f"原扣分 {_n(d.points)}" if d else "原扣分 —"
    counted = "" if o.counted is None else f" | 计入扣分 {_n(o.counted)}"
    basis = f" | 依据:{a.basis}" if a.basis else ""
    return (f"  申诉编号 {a.appeal_no or '(空)'} | 记录号 {a.record_no or '(空)'} | {original}"
            f" | 处理结果 {o.decision}{decided}{counted}{basis} | {o.note}")


def _appeal_lines(e: Explanation) -> list[str]:
    if not e.appeals:
        return []
    return ["", "【申诉】(按处理结果计分,扣分记录不作改动)"] + [appeal_line(o) for o in e.appeals]


def _total(value: Decimal) -> str:
    """At least 2 decimals, but never rounded: 70.625 stays 70.625."""
    return f"{value:.2f}" if value == round(value, 2) else _n(value)


def _cap(total: Decimal, cap: Decimal) -> str:
    return "(超过上限,按上限计)" if total > cap else ""


def _key_lines(e: Explanation) -> list[str]:
    lines = [f"【{Category.KEY}】得分制:Σ 分值 × 完成系数 = {_n(e.key_sum)},"
             f"上限 {_n(e.key_cap)},得分 {_n(e.result.key)}{_cap(e.key_sum, e.key_cap)}"]
    for k, s in e.key_tasks:
        lines.append(f"  指标编号 {k.id or '(空)'} | 第{k.row}行 | {k.task or ''} | 分值 {_n(k.points)}"
                     f" × 完成系数 {_n(s.coefficient)}({completion_shown(e, k)})= {_n(s.score)}")
    return lines


def _service_lines(e: Explanation) -> list[str]:
    lines = [f"【{Category.SERVICE}】得分制,合计 {e.result.service:.2f}(各分项四舍五入保留2位小数)"]
    for name, item in e.service.items():
        if isinstance(item, BallotItem):
            mean = "—" if item.mean is None else f"{item.mean:.4f}"
            trimmed = (f",去掉最高、最低各1票({_n(item.dropped[0])}、{_n(item.dropped[1])})"
                       if item.dropped else "")
            lines.append(f"  {name}:有效票 {len(item.ratios)} 张{trimmed},计入 {item.used} 张,"
                         f"平均系数 {mean} × 分值 {_n(item.points)} = {item.score:.2f}")
        else:
            mean = "—" if item.mean is None else f"{item.mean:.2f}"
            rows = "、".join(f"第{r}行 {_n(v)}" for r, v in item.rates) or "无"
            lines.append(f"  {name}:得分率({rows})平均 {mean} ÷ 100 × 分值 {_n(item.points)}"
                         f" = {item.score:.2f}")
    return lines


def _bonus_lines(e: Explanation) -> list[str]:
    lines = [f"【{Category.EXCELLENCE}】加分制:加分合计 {_n(e.bonus_sum)},上限 {_n(e.bonus_cap)},"
             f"得分 {_n(e.result.excellence)}{_cap(e.bonus_sum, e.bonus_cap)}"]
    for b in e.bonuses:
        lines.append(f"  第{b.row}行 | {b.period} | {b.item or ''} | {b.level} | 加分 {_n(b.points)}")
    return lines


def _grade_lines(e: Explanation) -> list[str]:
    r = e.result
    lines = [f"总分 {_total(r.total)},{r.series}排名第 {r.rank} 名" + (f",等次:{r.grade}" if r.grade else "")]
    for d in e.grave:
        lines.append(f"  记录号 {d.record_no} 引用附件5重大事故标准 {d.standard_id},不能评为优秀")
    for o in e.grave_pending:
        lines.append(f"  记录号 {o.appeal.record_no} 引用附件5重大事故标准,"
                     f"申诉{o.appeal.appeal_no or ''}尚待处理,等次待定")
    return lines


def render_explanation(e: Explanation) -> str:
    r = e.result
    lines = [f"{e.section.name}({e.section.code},{e.section.series})考核期 {e.period} 得分说明", ""]
    lines += _deduction_lines(e, Category.DUTY, r.duty)
    lines += _deduction_lines(e, Category.MANAGEMENT, r.management)
    if e.is_year:
        lines += _key_lines(e) + _service_lines(e) + _bonus_lines(e)
    else:
        lines.append("(季度结果只含履职绩效和管理绩效,其余类别在年度结果中计算)")
    lines += _appeal_lines(e)
    lines += [""] + _grade_lines(e)
    lines.append(f"待核(因错误未计入的行):{r.pending}")
    for f in e.excluded:
        lines.append(f"  {f.sheet}!{f.cell} [{f.rule}] {f.message}")
    return "\n".join(lines)
